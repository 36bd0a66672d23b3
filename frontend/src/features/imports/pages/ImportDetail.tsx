import { useEffect, useRef } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '@/shared/api/problem';
import type { ImportRecord, ImportStatus } from '@/shared/api/types';
import { useCompany } from '@/shared/companies/current';
import { formatDateTime } from '@/shared/format';
import { describeError } from '@/shared/forms/form';
import { registerTexts, useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { Loading, PageTitle } from '@/shared/ui/Page';
import { useFiguresChanged, useImport } from '../api';
import { ImportProgress } from '../components/ImportProgress';
import { ImportFailed, ImportResult } from '../components/ImportResult';
import { Review } from '../components/Review';
import { StatusBadge } from '../components/StatusBadge';
import { formatBytes } from '../files';
import type { Preview } from '../preview';
import { useUploaderName } from '../uploader';
import '../imports.css';
import { importsEn, importsEs } from '../messages';

registerTexts({ es: importsEs, en: importsEn });

/** The worker's part of an import the page waits for, in words, with a spinner. */
function Waiting({ text }: { text: string }) {
  return (
    <section className="card">
      <p className="loading" role="status">
        <span className="spinner" aria-hidden="true" />
        {text}
      </p>
    </section>
  );
}

/** What the page shows of an import in each status. */
function Stage({ record }: { record: ImportRecord }) {
  const { t } = useI18n();
  switch (record.status) {
    case 'analyzing':
      return <Waiting text={t('imports.analyzing')} />;
    case 'ready':
      // A ready import always has its preview (the worker writes both at once).
      return <Review record={record} preview={record.preview as unknown as Preview} />;
    case 'importing':
      return <ImportProgress record={record} />;
    case 'succeeded':
      return <ImportResult record={record} />;
    case 'failed':
      return <ImportFailed record={record} />;
    case 'reverting':
      return <Waiting text={t('imports.reverting')} />;
    case 'reverted':
      return <Alert kind="info" message={{ text: t('imports.reverted') }} />;
  }
}

/** Statuses in which the worker changes the company's figures, and the one each ends in when it has. */
const CHANGES_FIGURES: Partial<Record<ImportStatus, ImportStatus>> = { importing: 'succeeded', reverting: 'reverted' };

function ImportView({ record }: { record: ImportRecord }) {
  const { t, locale } = useI18n();
  const company = useCompany();
  const uploaderName = useUploaderName();
  const figuresChanged = useFiguresChanged(company.id);
  const seen = useRef(record.status);
  // Watched here, where the load or the undo was followed: once it is done, what was read of the figures is stale.
  useEffect(() => {
    if (CHANGES_FIGURES[seen.current] === record.status) figuresChanged();
    seen.current = record.status;
  }, [record.status, figuresChanged]);
  return (
    <>
      <div>
        <PageTitle>{record.filename}</PageTitle>
        <p className="muted imports-meta">
          <StatusBadge status={record.status} />{' '}
          {t('imports.detail.meta', {
            who: uploaderName(record.created_by),
            when: formatDateTime(record.created_at, locale),
            size: formatBytes(record.bytes, locale),
          })}
        </p>
      </div>
      <Stage record={record} />
    </>
  );
}

function FollowedImport({ pollMs }: { pollMs?: number }) {
  const { t } = useI18n();
  const company = useCompany();
  const { importId = '' } = useParams();
  const query = useImport(company.id, importId, pollMs);
  const gone = query.error instanceof ApiError && query.error.status === 404;
  return (
    <div className="stack">
      <p>
        <Link to={`/c/${company.id}/imports`}>{t('imports.back')}</Link>
      </p>
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <Alert message={gone ? { text: t('imports.detail.gone') } : describeError(query.error, t)}>
          {gone ? null : (
            <button type="button" className="button" onClick={() => void query.refetch()}>
              {t('banner.retry')}
            </button>
          )}
        </Alert>
      ) : null}
      {query.data ? <ImportView record={query.data} /> : null}
    </div>
  );
}

/** `/c/:companyId/imports/:importId` (managers and owners: RequireRight): one import, followed live from analysis
to review, load and result. */
export function ImportDetail({ pollMs }: { pollMs?: number }) {
  return <FollowedImport pollMs={pollMs} />;
}
