import { Link, useNavigate } from 'react-router';
import { ApiError } from '@/shared/api/problem';
import { useForm } from '@/shared/forms/form';
import { emailError, nameError, passwordError } from '@/shared/forms/validation';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { pendingInvitation } from '@/shared/session/pendingInvitation';
import { Field, NewPasswordField } from '@/shared/ui/Field';
import { PageTitle } from '@/shared/ui/Page';
import { useRegister } from '../api';
import { rememberPendingEmail } from '../pendingEmail';

export function Register() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const register = useRegister();
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
      await register.mutateAsync({ email, password: v.password, ...(fullName ? { full_name: fullName } : {}) });
      rememberPendingEmail(email);
      navigate('/check-your-email');
    },
  });
  // The address has an account already: offer the two ways into it.
  const taken = form.submitError instanceof ApiError && form.submitError.slug === 'email-taken';
  return (
    <section className="card card--narrow">
      <PageTitle>{t('register.title')}</PageTitle>
      {pendingInvitation() ? <Alert kind="info" message={{ text: t('invitation.hint.register') }} /> : null}
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
