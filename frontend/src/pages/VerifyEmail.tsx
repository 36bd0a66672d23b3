import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/api';
import { connectivity } from '../api/connectivity';
import { ApiError } from '../api/problem';
import type { User } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { Alert } from '../components/Alert';
import { describeError } from '../components/form';
import { Loading, PageTitle } from '../components/Layout';
import { useI18n } from '../i18n/i18n';
import { linkProblemText } from '../i18n/problems';
import { ResendForm, pendingEmail } from './CheckEmail';

// A verification token works once: the same token (React's double effects, a quick re-render)
// shares one request instead of spending it twice.
const inFlight = new Map<string, Promise<User>>();

export function verifyOnce(token: string): Promise<User> {
  let p = inFlight.get(token);
  if (!p) {
    p = api.verifyEmail(token);
    inFlight.set(token, p);
    p.catch(() => inFlight.delete(token));
  }
  return p;
}

/** `error` is kept as it came, so that its text follows a change of language. */
type State = { kind: 'working' } | { kind: 'done' } | { kind: 'invalid'; error?: ApiError } | { kind: 'error'; error: unknown };

export function VerifyEmail() {
  const { t } = useI18n();
  const { status, user, setUser } = useAuth();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [state, setState] = useState<State>(token ? { kind: 'working' } : { kind: 'invalid' });

  const start = useCallback(() => {
    if (!token) return;
    verifyOnce(token).then(
      () => setState({ kind: 'done' }),
      (error: unknown) => {
        // 4xx: the token is wrong, used or expired. Anything else: worth a retry.
        if (error instanceof ApiError && error.status < 500 && error.status !== 429) setState({ kind: 'invalid', error });
        else setState({ kind: 'error', error });
      },
    );
  }, [token]);

  const run = useCallback(() => {
    setState({ kind: 'working' });
    start();
  }, [start]);

  useEffect(() => start(), [start]);
  useEffect(() => connectivity.onRetry(run), [run]);
  useEffect(() => {
    if (state.kind === 'done' && user && !user.email_verified) setUser({ ...user, email_verified: true });
  }, [state.kind, user, setUser]);

  return (
    <section className="card card--narrow">
      <PageTitle>{t('verify.title')}</PageTitle>
      {state.kind === 'working' ? <Loading /> : null}
      {state.kind === 'done' ? (
        <>
          <Alert kind="success" message={{ text: t('verify.done') }} />
          {status === 'signedIn' ? (
            <Link className="button button--primary" to="/">
              {t('verify.goHome')}
            </Link>
          ) : (
            <Link className="button button--primary" to="/sign-in">
              {t('verify.continue')}
            </Link>
          )}
        </>
      ) : null}
      {state.kind === 'error' ? (
        <Alert message={describeError(state.error, t)}>
          <button type="button" className="button" onClick={run}>
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
