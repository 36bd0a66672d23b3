import { useState } from 'react';
import { describeError } from '@/shared/forms/form';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { usePing, useJob } from '../api';

const jobKeys: Record<string, MessageKey> = {
  pending: 'status.job.pending',
  running: 'status.job.running',
  succeeded: 'status.job.succeeded',
  failed: 'status.job.failed',
  dead: 'status.job.dead',
};

/** The operator's proof that the pipeline works: a ping job through Redis and the worker, followed to its end. */
export function PingJob({ pollMs }: { pollMs?: number }) {
  const { t } = useI18n();
  const ping = usePing();
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId, pollMs);
  const send = () => {
    if (ping.isPending) return;
    ping.mutate(undefined, { onSuccess: (j) => setJobId(j.id) });
  };
  const status = job.data?.status;
  return (
    <section className="ping" aria-labelledby="ping-h">
      <h2 id="ping-h">{t('status.ping.title')}</h2>
      <p className="muted">{t('status.ping.intro')}</p>
      <Alert message={(ping.error ?? job.error) && describeError(ping.error ?? job.error, t)} />
      {status ? (
        <p role="status" data-testid="job-status" data-job-status={status}>
          {t('status.ping.job', { status: jobKeys[status] ? t(jobKeys[status]) : status })}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="button" onClick={send} disabled={ping.isPending} aria-busy={ping.isPending}>
          {ping.isPending ? t('status.ping.sending') : t('status.ping.run')}
        </button>
      </div>
    </section>
  );
}
