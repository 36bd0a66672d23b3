import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/api';
import { connectivity } from '../api/connectivity';
import type { Health } from '../api/types';
import { Alert } from '../components/Alert';
import { describeError } from '../components/form';
import { Loading, PageTitle } from '../components/Layout';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/es';

export const REFRESH_SECONDS = 5;

function statusKey(status: string): MessageKey {
  return status === 'healthy' || status === 'degraded' || status === 'unhealthy' ? `status.${status}` : 'status.unknown';
}

function serviceLabel(name: string, t: (k: MessageKey) => string): string {
  const key = `status.service.${name}`;
  return key === 'status.service.database' || key === 'status.service.redis' || key === 'status.service.worker' ? t(key) : name;
}

/** GET /api/v1/health, every few seconds; 503 still has the per-service answer. */
export function Status({ intervalMs = REFRESH_SECONDS * 1000 }: { intervalMs?: number }) {
  const { t, locale } = useI18n();
  const [health, setHealth] = useState<Health | null>(null);
  // Kept as it came, so that its text follows a change of language.
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const [checking, setChecking] = useState(false);
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    try {
      const h = await api.health(c.signal);
      setHealth(h);
      setFailure(null);
    } catch (e) {
      if (!c.signal.aborted) setFailure({ error: e });
    }
  }, []);

  const refreshNow = async () => {
    setChecking(true);
    await load();
    setChecking(false);
  };

  useEffect(() => {
    // Polling an external system: state changes only when an answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
    const id = setInterval(() => {
      if (document.visibilityState !== 'hidden') void load();
    }, intervalMs);
    return () => {
      clearInterval(id);
      controller.current?.abort();
    };
  }, [load, intervalMs]);
  useEffect(() => connectivity.onRetry(() => void load()), [load]);

  return (
    <section className="card">
      <PageTitle>{t('status.title')}</PageTitle>
      <p className="muted">{t('status.refreshEvery', { seconds: Math.round(intervalMs / 1000) })}</p>
      <Alert message={failure && describeError(failure.error, t)} />
      {!health && !failure ? <Loading /> : null}
      {health ? (
        <>
          <p className="status-overall" role="status">
            {t('status.overall')}:{' '}
            <span className={`badge badge--${health.status}`} data-testid="overall-status">
              {t(statusKey(health.status))}
            </span>
          </p>
          <ul className="services">
            {Object.entries(health.services).map(([name, s]) => (
              <li key={name} data-service={name}>
                <span>{serviceLabel(name, t)}</span>
                <span className={`badge badge--${s}`}>{t(statusKey(s))}</span>
              </li>
            ))}
          </ul>
          <p className="muted">
            {t('status.checkedAt', {
              time: new Date(health.timestamp).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' }),
            })}
          </p>
        </>
      ) : null}
      <button type="button" className="button" onClick={() => void refreshNow()} disabled={checking} aria-busy={checking}>
        {t('status.refresh')}
      </button>
    </section>
  );
}
