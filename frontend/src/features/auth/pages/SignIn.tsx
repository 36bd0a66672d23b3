import { Link, useLocation } from 'react-router';
import { ApiError } from '@/shared/api/problem';
import { useForm } from '@/shared/forms/form';
import { emailError, passwordError } from '@/shared/forms/validation';
import { useI18n } from '@/shared/i18n/i18n';
import { pendingInvitation } from '@/shared/session/pendingInvitation';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { Field } from '@/shared/ui/Field';
import { PageTitle } from '@/shared/ui/Page';
import { rememberPendingEmail } from '../pendingEmail';

/** The account exists but its email isn't confirmed (a disabled account is a 403 too: not this one). */
function isUnverified(error: unknown): boolean {
  return error instanceof ApiError && error.slug === 'email-not-verified';
}

export function SignIn() {
  const { t } = useI18n();
  const { signIn, reason } = useSession();
  const location = useLocation();
  const state = location.state as { notice?: 'passwordChanged' } | null;

  const form = useForm({
    t,
    initial: { email: '', password: '' },
    validate: (v) => ({ email: emailError(v.email, t), password: passwordError(v.password, t, false) }),
    onSubmit: async (v) => {
      await signIn({ email: v.email.trim(), password: v.password });
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
          : pendingInvitation()
            ? t('invitation.hint.signIn')
            : null;

  return (
    <section className="card card--narrow">
      <PageTitle>{t('signIn.title')}</PageTitle>
      {notice && !form.formError ? <Alert kind="info" message={{ text: notice }} /> : null}
      <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
        <Field {...form.field('email')} label={t('field.email')} type="email" autoComplete="username" required />
        <Field {...form.field('password')} label={t('field.password')} type="password" autoComplete="current-password" required />
        <Alert message={form.formError}>
          {isUnverified(form.submitError) ? (
            <p>
              {t('signIn.unverified')}{' '}
              <Link to="/check-your-email" onClick={() => rememberPendingEmail(form.values.email.trim())}>
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
