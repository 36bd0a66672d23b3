import { useState } from 'react';
import { formatDateTime } from '@/shared/format';
import { describeError } from '@/shared/forms/form';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n } from '@/shared/i18n/i18n';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert } from '@/shared/ui/Alert';
import { Loading, PageTitle } from '@/shared/ui/Page';
import { REFRESH_SECONDS, useHealth } from '../api';
import { PingJob } from '../components/PingJob';

function statusKey(status: string): MessageKey {
  return status === 'healthy' || status === 'degraded' || status === 'unhealthy' ? `status.${status}` : 'status.unknown';
}

function serviceLabel(name: string, t: (k: MessageKey) => string): string {
  const key = `status.service.${name}`;
  return key === 'status.service.database' || key === 'status.service.redis' || key === 'status.service.worker' ? t(key) : name;
}

/** GET /api/v1/health, every few seconds; 503 still has the per-service answer. Signed in: a ping job too. */
export function Status({ intervalMs = REFRESH_SECONDS * 1000, jobPollMs }: { intervalMs?: number; jobPollMs?: number }) {
  const { t, locale } = useI18n();
  const { status } = useSession();
  const query = useHealth(intervalMs);
  const [checking, setChecking] = useState(false);
  const health = query.data;
  // The error is kept as it came (the query's), so that its text follows a change of language.
  const failure = query.isError ? query.error : null;

  const refreshNow = async () => {
    setChecking(true);
    await query.refetch();
    setChecking(false);
  };

  return (
    <section className="card">
      <PageTitle>{t('status.title')}</PageTitle>
      <p className="muted">{t('status.refreshEvery', { seconds: Math.round(intervalMs / 1000) })}</p>
      <Alert message={failure && describeError(failure, t)} />
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
          <p className="muted">{t('status.checkedAt', { time: formatDateTime(health.timestamp, locale) })}</p>
        </>
      ) : null}
      <button type="button" className="button" onClick={() => void refreshNow()} disabled={checking} aria-busy={checking}>
        {t('status.refresh')}
      </button>
      {status === 'signedIn' ? <PingJob pollMs={jobPollMs} /> : null}
    </section>
  );
}
