import { Link, useSearchParams } from 'react-router';
import { ApiError } from '@/shared/api/problem';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { linkProblemText } from '@/shared/i18n/problems';
import { pendingInvitationPath } from '@/shared/session/pendingInvitation';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert } from '@/shared/ui/Alert';
import { Loading, PageTitle } from '@/shared/ui/Page';
import { useVerifyEmail } from '../api';
import { ResendForm } from '../components/ResendForm';
import { pendingEmail } from '../pendingEmail';

/** `error` is kept as it came, so that its text follows a change of language. */
type State = { kind: 'working' } | { kind: 'done' } | { kind: 'invalid'; error?: ApiError } | { kind: 'error'; error: unknown };

/** 4xx: the token is wrong, used or expired. Anything else: worth a retry. */
function stateOf(token: string, query: ReturnType<typeof useVerifyEmail>): State {
  if (!token) return { kind: 'invalid' };
  if (query.isFetching) return { kind: 'working' };
  if (query.isSuccess) return { kind: 'done' };
  const error = query.error;
  if (error instanceof ApiError && error.status < 500 && error.status !== 429) return { kind: 'invalid', error };
  if (error) return { kind: 'error', error };
  return { kind: 'working' };
}

export function VerifyEmail() {
  const { t } = useI18n();
  const { status } = useSession();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useVerifyEmail(token);
  const state = stateOf(token, verify);
  const invitation = pendingInvitationPath();

  return (
    <section className="card card--narrow">
      <PageTitle>{t('verify.title')}</PageTitle>
      {state.kind === 'working' ? <Loading /> : null}
      {state.kind === 'done' ? (
        <>
          <Alert kind="success" message={{ text: t('verify.done') }} />
          {status === 'signedIn' ? (
            <Link className="button button--primary" to={invitation ?? '/'}>
              {invitation ? t('invitation.hint.open') : t('verify.goHome')}
            </Link>
          ) : (
            <>
              {/* After signing in, the sign-in page sends the user on to the invitation waiting here. */}
              {invitation ? <p>{t('invitation.hint.verified')}</p> : null}
              <Link className="button button--primary" to="/sign-in">
                {t('verify.continue')}
              </Link>
            </>
          )}
        </>
      ) : null}
      {state.kind === 'error' ? (
        <Alert message={describeError(state.error, t)}>
          <button type="button" className="button" onClick={() => void verify.refetch()}>
            {t('banner.retry')}
          </button>
        </Alert>
      ) : null}
      {state.kind === 'invalid' ? (
        <>
          <Alert message={{ text: token ? linkProblemText(state.error?.problem, 'verify.invalid', t) : t('verify.missing') }} />
          <p>{t('verify.askNew')}</p>
          <ResendForm initialEmail={pendingEmail()} />
        </>
      ) : null}
    </section>
  );
}
