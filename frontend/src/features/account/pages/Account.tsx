import { useState } from 'react';
import { useNavigate } from 'react-router';
import { formatDate } from '@/shared/format';
import { describeError, useForm } from '@/shared/forms/form';
import { nameError, passwordError } from '@/shared/forms/validation';
import { useI18n } from '@/shared/i18n/i18n';
import { useFreshUser } from '@/shared/session/me';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { Field, NewPasswordField } from '@/shared/ui/Field';
import { PageTitle } from '@/shared/ui/Page';
import { useChangePassword, useSignOut, useUpdateMe } from '../api';

function ProfileForm() {
  const { t } = useI18n();
  const { user } = useSession();
  const updateMe = useUpdateMe();
  const [saved, setSaved] = useState(false);
  const form = useForm({
    t,
    initial: { full_name: user?.full_name ?? '' },
    validate: (v) => ({ full_name: nameError(v.full_name, t, true) }),
    onSubmit: async (v) => {
      setSaved(false);
      await updateMe.mutateAsync({ full_name: v.full_name.trim() });
      setSaved(true);
    },
  });
  return (
    <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
      <Field {...form.field('full_name')} label={t('field.fullName')} autoComplete="name" required />
      <Alert message={form.formError} />
      {saved && !form.formError ? <Alert kind="success" message={{ text: t('account.saved') }} /> : null}
      <SubmitButton busy={form.submitting} label={t('account.save')} busyLabel={t('account.saving')} />
    </form>
  );
}

function PasswordForm() {
  const { t } = useI18n();
  const changePassword = useChangePassword();
  const [done, setDone] = useState(false);
  const form = useForm({
    t,
    initial: { current_password: '', new_password: '' },
    validate: (v) => ({
      current_password: passwordError(v.current_password, t, false),
      new_password:
        passwordError(v.new_password, t) ??
        (v.new_password === v.current_password ? t('validation.samePassword') : undefined),
    }),
    onSubmit: async (v) => {
      setDone(false);
      await changePassword.mutateAsync({ current_password: v.current_password, new_password: v.new_password });
      form.setValue('current_password', '');
      form.setValue('new_password', '');
      setDone(true);
    },
  });
  return (
    <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
      <Field {...form.field('current_password')} label={t('field.currentPassword')} type="password" autoComplete="current-password" required />
      <NewPasswordField {...form.field('new_password')} label={t('field.newPassword')} />
      <Alert message={form.formError} />
      {done && !form.formError ? <Alert kind="success" message={{ text: t('account.passwordChanged') }} /> : null}
      <SubmitButton busy={form.submitting} label={t('account.passwordSubmit')} busyLabel={t('account.saving')} />
    </form>
  );
}

function Sessions() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const busy = signOut.isPending ? (signOut.variables ? 'all' : 'one') : null;
  const run = (everywhere: boolean) => {
    if (signOut.isPending) return;
    signOut.mutate(everywhere, { onSuccess: () => navigate('/sign-in', { replace: true }) });
  };
  return (
    <>
      {/* The error is kept as it came (the mutation's), so that its text follows a change of language. */}
      <Alert message={signOut.error && describeError(signOut.error, t)} />
      <div className="actions">
        <button type="button" className="button" disabled={busy !== null} aria-busy={busy === 'one'} onClick={() => run(false)}>
          {busy === 'one' ? t('account.signingOut') : t('account.signOut')}
        </button>
        <button
          type="button"
          className="button button--danger"
          disabled={busy !== null}
          aria-busy={busy === 'all'}
          aria-describedby="sign-out-all-hint"
          onClick={() => run(true)}
        >
          {busy === 'all' ? t('account.signingOut') : t('account.signOutAll')}
        </button>
      </div>
      <p id="sign-out-all-hint" className="muted">
        {t('account.signOutAllHint')}
      </p>
    </>
  );
}

export function Account() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  useFreshUser();
  if (!user) return null;
  return (
    <div className="stack">
      <PageTitle>{t('account.title')}</PageTitle>
      <section className="card" aria-labelledby="profile-h">
        <h2 id="profile-h">{t('account.profile')}</h2>
        <p>
          <strong className="break-anywhere">{user.email}</strong>{' '}
          <span className={`badge badge--${user.email_verified ? 'healthy' : 'degraded'}`}>
            {user.email_verified ? t('account.emailVerified') : t('account.emailNotVerified')}
          </span>
        </p>
        <p className="muted">
          {t('account.memberSince', { date: formatDate(user.created_at, locale) })}
        </p>
        <ProfileForm />
      </section>
      <section className="card" aria-labelledby="password-h">
        <h2 id="password-h">{t('account.password')}</h2>
        <PasswordForm />
      </section>
      <section className="card" aria-labelledby="sessions-h">
        <h2 id="sessions-h">{t('account.sessions')}</h2>
        <Sessions />
      </section>
    </div>
  );
}
