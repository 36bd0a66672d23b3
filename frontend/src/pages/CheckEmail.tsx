import { useState } from 'react';
import { api } from '../api/api';
import { Alert, SubmitButton } from '../components/Alert';
import { Field } from '../components/Field';
import { useForm } from '../components/form';
import { PageTitle } from '../components/Layout';
import { emailError } from '../components/validation';
import { useI18n } from '../i18n/i18n';

const KEY = 'ayni.pendingEmail';

/** The address we are waiting on survives a reload (sessionStorage: this tab only, never the URL). */
export function rememberPendingEmail(email: string): void {
  try {
    sessionStorage.setItem(KEY, email);
  } catch {
    // storage disabled: the page asks for the address instead
  }
}

export function pendingEmail(): string {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

/** Ask for a new verification link (always 202: it never tells whether the account exists). */
export function ResendForm({ initialEmail }: { initialEmail: string }) {
  const { t } = useI18n();
  const [sent, setSent] = useState(false);
  const form = useForm({
    t,
    initial: { email: initialEmail },
    validate: (v) => ({ email: emailError(v.email, t) }),
    onSubmit: async (v) => {
      setSent(false);
      await api.resendVerification(v.email.trim());
      rememberPendingEmail(v.email.trim());
      setSent(true);
    },
  });
  return (
    <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
      <Field {...form.field('email')} label={t('field.email')} type="email" autoComplete="email" required />
      <Alert message={form.formError} />
      {sent ? <Alert kind="success" message={{ text: t('checkEmail.resent') }} /> : null}
      <SubmitButton busy={form.submitting} label={t('checkEmail.resend')} busyLabel={t('checkEmail.resending')} />
    </form>
  );
}

export function CheckEmail() {
  const { t } = useI18n();
  const email = pendingEmail();
  return (
    <section className="card card--narrow">
      <PageTitle>{t('checkEmail.title')}</PageTitle>
      <p>{email ? t('checkEmail.body', { email }) : t('checkEmail.bodyNoEmail')}</p>
      <p className="muted">{t('checkEmail.notArrived')}</p>
      <ResendForm initialEmail={email} />
    </section>
  );
}
