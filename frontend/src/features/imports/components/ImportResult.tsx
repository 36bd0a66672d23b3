import { Link } from 'react-router';
import type { ImportRecord, ImportSummary } from '@/shared/api/types';
import { useCompany } from '@/shared/companies/current';
import { formatDayRange, formatMoney } from '@/shared/format';
import { useI18n } from '@/shared/i18n/i18n';
import { useLocations } from '@/shared/companies/lists';
import { Alert } from '@/shared/ui/Alert';
import { failureReason } from '../reasons';
import { RejectedRows } from './RejectedRows';
import { UndoControl } from './UndoControl';
import { counted } from '../counted';

/** The names of the locations an import loaded (it may have created some: the list is read again after it). */
function useLocationNames(ids: readonly string[]): string {
  const { t } = useI18n();
  const company = useCompany();
  const locations = useLocations(company.id);
  const names = ids.map((id) => locations.data?.items.find((location) => location.id === id)?.name);
  return names.every((name) => name !== undefined) ? names.join(', ') : counted(t, ids.length, 'imports.result.locationOne', 'imports.result.locationCount');
}

function Summary({ summary }: { summary: ImportSummary }) {
  const { t, locale } = useI18n();
  const company = useCompany();
  const locations = useLocationNames(summary.locations);
  const figures: [string, string][] = [
    [t('imports.result.lines'), summary.lines_loaded.toLocaleString(locale)],
    [t('imports.result.tickets'), summary.tickets.toLocaleString(locale)],
    [t('imports.result.revenue'), formatMoney(summary.revenue, company.currency, locale)],
    [t('imports.result.dates'), summary.date_from && summary.date_to ? formatDayRange(summary.date_from, summary.date_to, locale) : '—'],
    [t('imports.result.locations'), locations],
    [t('imports.result.rejected'), summary.lines_rejected.toLocaleString(locale)],
  ];
  return (
    <dl className="imports-figures">
      {figures.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The dashboard over the days the import loaded (the dashboard keeps its view in the address: a custom period is
 * `period=custom&from=&to=`), since its default, the last 30 days, may hold none of an older export's sales.
 */
export function dashboardOf(companyId: string, summary: ImportSummary | null | undefined): string {
  if (!summary?.date_from || !summary.date_to) return `/c/${companyId}`;
  return `/c/${companyId}?${new URLSearchParams({ period: 'custom', from: summary.date_from, to: summary.date_to })}`;
}

/** A loaded import: what it added to the figures, the rows it left out, the way to the dashboard, and undo. */
export function ImportResult({ record }: { record: ImportRecord }) {
  const { t } = useI18n();
  const company = useCompany();
  return (
    <>
      <section className="card" aria-labelledby="imports-result-h">
        <h2 id="imports-result-h">{t('imports.result.title')}</h2>
        {/* The worker gave the undo up (ayni/sales/failures.py): nothing of it happened, and it may be tried again. */}
        {record.progress.phase === 'undo_failed' ? <Alert message={{ text: t('imports.undoFailed') }} /> : null}
        {record.summary ? <Summary summary={record.summary} /> : null}
        <div className="actions actions--split">
          <Link className="button button--primary" to={dashboardOf(company.id, record.summary)}>
            {t('imports.toDashboard')}
          </Link>
          <Link className="button" to={`/c/${company.id}/imports`}>
            {t('imports.another')}
          </Link>
        </div>
        <UndoControl record={record} />
      </section>
      <RejectedRows record={record} />
    </>
  );
}

/** A failed import: nothing of it was loaded; why, and the rows to look at when too many were rejected. */
export function ImportFailed({ record }: { record: ImportRecord }) {
  const { t } = useI18n();
  const company = useCompany();
  const cause = record.errors.find((error) => error.row === null);
  const reason = cause ? failureReason(cause.message, record.filename, t) : null;
  return (
    <>
      <section className="card" aria-labelledby="imports-failed-h">
        <h2 id="imports-failed-h">{t('imports.failed.title')}</h2>
        <p>{reason?.known ? reason.text : t('imports.failed.unknown')}</p>
        {reason && !reason.known ? (
          <p className="muted">
            {t('imports.failed.detail')} <span lang="en">{reason.text}</span>
          </p>
        ) : null}
        <div className="actions">
          <Link className="button button--primary" to={`/c/${company.id}/imports`}>
            {t('imports.failed.again')}
          </Link>
        </div>
      </section>
      <RejectedRows record={record} />
    </>
  );
}
