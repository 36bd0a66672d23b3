import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError } from '../api/problem';
import { useAuth } from '../auth/AuthContext';
import { Alert, SubmitButton } from '../components/Alert';
import { Field } from '../components/Field';
import { useForm } from '../components/form';
import { PageTitle } from '../components/Layout';
import { emailError, passwordError } from '../components/validation';
import { useI18n } from '../i18n/i18n';
import { rememberPendingEmail } from './CheckEmail';

/** Problems that mean "the account exists but the email isn't confirmed". */
function isUnverified(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 403 || /verif/.test(error.slug));
}

export function SignIn() {
  const { t } = useI18n();
  const { signIn, reason } = useAuth();
  const location = useLocation();
  const state = location.state as { notice?: 'passwordChanged' } | null;
  const [unverifiedEmail, setUnverifiedEmail] = useState<string | null>(null);

  const form = useForm({
    t,
    initial: { email: '', password: '' },
    validate: (v) => ({ email: emailError(v.email, t), password: passwordError(v.password, t, false) }),
    onSubmit: async (v) => {
      setUnverifiedEmail(null);
      try {
        await signIn({ email: v.email.trim(), password: v.password });
      } catch (error) {
        if (isUnverified(error)) setUnverifiedEmail(v.email.trim());
        throw error;
      }
      // PublicOnly sends the now signed-in user on to state.from.
    },
  });

  const notice =
    state?.notice === 'passwordChanged' || reason === 'passwordChanged'
      ? t('signIn.passwordChanged')
      : reason === 'expired'
        ? t('error.sessionExpired')
        : reason === 'signedOut'
          ? t('signIn.signedOut')
          : null;

  return (
    <section className="card card--narrow">
      <PageTitle>{t('signIn.title')}</PageTitle>
      {notice && !form.formError ? <Alert kind="info" message={{ text: notice }} /> : null}
      <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
        <Field {...form.field('email')} label={t('field.email')} type="email" autoComplete="username" required />
        <Field {...form.field('password')} label={t('field.password')} type="password" autoComplete="current-password" required />
        <Alert message={form.formError}>
          {unverifiedEmail ? (
            <p>
              {t('signIn.unverified')}{' '}
              <Link to="/check-your-email" onClick={() => rememberPendingEmail(unverifiedEmail)}>
                {t('signIn.resend')}
              </Link>
            </p>
          ) : null}
        </Alert>
        <SubmitButton busy={form.submitting} label={t('signIn.submit')} busyLabel={t('signIn.submitting')} />
      </form>
      <p className="links">
        <Link to="/forgot-password">{t('signIn.forgot')}</Link>
      </p>
      <p className="links">
        {t('signIn.noAccount')} <Link to="/register">{t('signIn.register')}</Link>
      </p>
    </section>
  );
}
