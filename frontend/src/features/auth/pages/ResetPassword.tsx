import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '@/shared/api/problem';
import type { Problem } from '@/shared/api/types';
import { useForm } from '@/shared/forms/form';
import { passwordError } from '@/shared/forms/validation';
import { useI18n } from '@/shared/i18n/i18n';
import { linkProblemText } from '@/shared/i18n/problems';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { Field, NewPasswordField } from '@/shared/ui/Field';
import { PageTitle } from '@/shared/ui/Page';
import { useConfirmPasswordReset } from '../api';

export function ResetPassword() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const confirmReset = useConfirmPasswordReset();
  const { status, signOut } = useSession();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  // The link is unusable: no token, or the API refused it (its problem says why, when it does).
  const [invalid, setInvalid] = useState<{ problem?: Problem } | null>(token ? null : {});
  const form = useForm({
    t,
    initial: { new_password: '', confirm: '' },
    validate: (v) => ({
      new_password: passwordError(v.new_password, t),
      confirm: !v.confirm ? t('validation.required') : v.confirm !== v.new_password ? t('validation.mismatch') : undefined,
    }),
    onSubmit: async (v) => {
      try {
        await confirmReset.mutateAsync({ token, new_password: v.new_password });
      } catch (error) {
        // A bad token is not a field the user can fix: offer a new link instead.
        const tokenProblem =
          error instanceof ApiError &&
          (error.status === 400 || error.status === 404 || error.status === 410 ||
            (error.problem.errors ?? []).some((e) => e.field.endsWith('token')));
        if (tokenProblem) {
          setInvalid({ problem: error.problem });
          return;
        }
        throw error;
      }
      // Every session is dead now, this one too.
      if (status === 'signedIn') await signOut({ reason: 'passwordChanged' });
      navigate('/sign-in', { replace: true, state: { notice: 'passwordChanged' } });
    },
  });
  return (
    <section className="card card--narrow">
      <PageTitle>{t('reset.title')}</PageTitle>
      {invalid ? (
        <Alert message={{ text: linkProblemText(invalid.problem, 'reset.invalid', t) }}>
          <p>
            <Link to="/forgot-password">{t('reset.askNew')}</Link>
          </p>
        </Alert>
      ) : (
        <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
          <NewPasswordField {...form.field('new_password')} label={t('field.newPassword')} />
          <Field {...form.field('confirm')} label={t('field.confirmPassword')} type="password" autoComplete="new-password" required />
          <Alert message={form.formError} />
          <SubmitButton busy={form.submitting} label={t('reset.submit')} busyLabel={t('reset.submitting')} />
        </form>
      )}
    </section>
  );
}
