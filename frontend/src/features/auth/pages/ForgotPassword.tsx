import { useState } from 'react';
import { Link } from 'react-router';
import { useForm } from '@/shared/forms/form';
import { emailError } from '@/shared/forms/validation';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { Field } from '@/shared/ui/Field';
import { PageTitle } from '@/shared/ui/Page';
import { useRequestPasswordReset } from '../api';

export function ForgotPassword() {
  const { t } = useI18n();
  const requestReset = useRequestPasswordReset();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm({
    t,
    initial: { email: '' },
    validate: (v) => ({ email: emailError(v.email, t) }),
    onSubmit: async (v) => {
      await requestReset.mutateAsync(v.email.trim());
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
