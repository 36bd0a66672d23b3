import { Link, useNavigate } from 'react-router';
import { api } from '../api/api';
import { ApiError } from '../api/problem';
import { Alert, SubmitButton } from '../components/Alert';
import { Field, NewPasswordField } from '../components/Field';
import { useForm } from '../components/form';
import { PageTitle } from '../components/Layout';
import { emailError, nameError, passwordError } from '../components/validation';
import { useI18n } from '../i18n/i18n';
import { rememberPendingEmail } from './CheckEmail';

export function Register() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const form = useForm({
    t,
    initial: { full_name: '', email: '', password: '' },
    validate: (v) => ({
      full_name: nameError(v.full_name, t),
      email: emailError(v.email, t),
      password: passwordError(v.password, t),
    }),
    onSubmit: async (v) => {
      const email = v.email.trim();
      const fullName = v.full_name.trim();
      await api.register({ email, password: v.password, ...(fullName ? { full_name: fullName } : {}) });
      rememberPendingEmail(email);
      navigate('/check-your-email');
    },
  });
  // The address has an account already: offer the two ways into it.
  const taken = form.submitError instanceof ApiError && form.submitError.slug === 'email-taken';
  return (
    <section className="card card--narrow">
      <PageTitle>{t('register.title')}</PageTitle>
      <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
        <Field {...form.field('full_name')} label={t('field.fullName')} autoComplete="name" optional />
        <Field {...form.field('email')} label={t('field.email')} type="email" autoComplete="email" required />
        <NewPasswordField {...form.field('password')} label={t('field.password')} />
        <Alert message={form.formError}>
          {taken ? (
            <p className="links">
              <Link to="/sign-in">{t('register.signIn')}</Link> · <Link to="/forgot-password">{t('signIn.forgot')}</Link>
            </p>
          ) : null}
        </Alert>
        <SubmitButton busy={form.submitting} label={t('register.submit')} busyLabel={t('register.submitting')} />
      </form>
      <p className="links">
        {t('register.haveAccount')} <Link to="/sign-in">{t('register.signIn')}</Link>
      </p>
    </section>
  );
}
