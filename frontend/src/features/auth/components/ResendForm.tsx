import { useState } from 'react';
import { useForm } from '@/shared/forms/form';
import { emailError } from '@/shared/forms/validation';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { Field } from '@/shared/ui/Field';
import { useResendVerification } from '../api';
import { rememberPendingEmail } from '../pendingEmail';

/** Ask for a new verification link (always 202: it never tells whether the account exists). */
export function ResendForm({ initialEmail }: { initialEmail: string }) {
  const { t } = useI18n();
  const resend = useResendVerification();
  const [sent, setSent] = useState(false);
  const form = useForm({
    t,
    initial: { email: initialEmail },
    validate: (v) => ({ email: emailError(v.email, t) }),
    onSubmit: async (v) => {
      setSent(false);
      await resend.mutateAsync(v.email.trim());
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
