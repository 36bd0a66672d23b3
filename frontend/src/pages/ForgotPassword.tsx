import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/api';
import { Alert, SubmitButton } from '../components/Alert';
import { Field } from '../components/Field';
import { useForm } from '../components/form';
import { PageTitle } from '../components/Layout';
import { emailError } from '../components/validation';
import { useI18n } from '../i18n/i18n';

export function ForgotPassword() {
  const { t } = useI18n();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm({
    t,
    initial: { email: '' },
    validate: (v) => ({ email: emailError(v.email, t) }),
    onSubmit: async (v) => {
      await api.requestPasswordReset(v.email.trim());
      setSentTo(v.email.trim());
    },
  });
  return (
    <section className="card card--narrow">
      <PageTitle>{t('forgot.title')}</PageTitle>
      {sentTo ? (
        <Alert kind="success" message={{ text: t('forgot.sent', { email: sentTo }) }} />
      ) : (
        <>
          <p>{t('forgot.intro')}</p>
          <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
            <Field {...form.field('email')} label={t('field.email')} type="email" autoComplete="email" required />
            <Alert message={form.formError} />
            <SubmitButton busy={form.submitting} label={t('forgot.submit')} busyLabel={t('forgot.submitting')} />
          </form>
        </>
      )}
      <p className="links">
        <Link to="/sign-in">{t('forgot.back')}</Link>
      </p>
    </section>
  );
}
