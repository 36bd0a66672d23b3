import { Link } from 'react-router';
import type { ImportRecord } from '@/shared/api/types';
import { useCompany } from '@/shared/companies/current';
import { formatDateTime } from '@/shared/format';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { Loading } from '@/shared/ui/Page';
import { useImportHistory } from '../api';
import { useUploaderName } from '../uploader';
import { StatusBadge } from './StatusBadge';
import { UndoControl } from './UndoControl';
import { counted } from '../counted';

function HistoryItem({ record, uploader }: { record: ImportRecord; uploader: string }) {
  const { t, locale } = useI18n();
  const company = useCompany();
  const lines = record.summary?.lines_loaded;
  return (
    <li className="card imports-history__item" data-import={record.id}>
      <p className="imports-history__head">
        <Link className="break-anywhere" to={`/c/${company.id}/imports/${record.id}`}>
          {record.filename}
        </Link>{' '}
        <StatusBadge status={record.status} />
      </p>
      <p className="muted">
        {t('imports.history.meta', { who: uploader, when: formatDateTime(record.created_at, locale) })}
        {lines === undefined ? null : ` · ${counted(t, lines, 'imports.history.line', 'imports.history.lines')}`}
      </p>
      <UndoControl record={record} />
    </li>
  );
}

/** The company's imports, newest first, a page at a time. */
export function History({ pollMs }: { pollMs?: number }) {
  const { t } = useI18n();
  const company = useCompany();
  const history = useImportHistory(company.id, pollMs);
  const uploaderName = useUploaderName();
  const items = history.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="imports-history-h" className="stack">
      <h2 id="imports-history-h">{t('imports.history.title')}</h2>
      {history.isPending ? <Loading /> : null}
      {history.isError ? (
        <Alert message={describeError(history.error, t)}>
          <button
            type="button"
            className="button"
            onClick={() => void (history.isFetchNextPageError ? history.fetchNextPage() : history.refetch())}
          >
            {t('banner.retry')}
          </button>
        </Alert>
      ) : null}
      {history.isSuccess && items.length === 0 ? <p className="muted">{t('imports.history.empty')}</p> : null}
      {items.length ? (
        <ul className="imports-history">
          {items.map((record) => (
            <HistoryItem key={record.id} record={record} uploader={uploaderName(record.created_by)} />
          ))}
        </ul>
      ) : null}
      {history.hasNextPage ? (
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() => void history.fetchNextPage()}
            disabled={history.isFetchingNextPage}
            aria-busy={history.isFetchingNextPage}
          >
            {history.isFetchingNextPage ? t('app.loading') : t('imports.history.more')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
