import type { UseQueryResult } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';

interface SectionProps<T> {
  title: string;
  read: UseQueryResult<T>;
  /** Controls beside the title (a grain switch, a CSV download). */
  actions?: ReactNode;
  className?: string;
  children: (data: T) => ReactNode;
}

/**
 * One block of the dashboard and its read: a skeleton while it first loads, the error and a retry when it fails,
 * else its content. While a new view loads, the last one stays, dimmed, and the block says it is updating.
 */
export function Section<T>({ title, read, actions, className, children }: SectionProps<T>) {
  const { t } = useI18n();
  const id = useId();
  const updating = read.isPlaceholderData;
  return (
    <section className={`card dash-section ${className ?? ''}`} aria-labelledby={id} aria-busy={updating || read.isPending}>
      <div className="dash-section__head">
        <h2 id={id}>{title}</h2>
        {actions ? <div className="dash-section__actions">{actions}</div> : null}
      </div>
      {read.isPending ? <div className="dash-skeleton dash-skeleton--block" /> : null}
      {read.isError ? (
        <Alert message={describeError(read.error, t)}>
          <button type="button" className="button" onClick={() => void read.refetch()}>
            {t('banner.retry')}
          </button>
        </Alert>
      ) : null}
      {read.data !== undefined && !read.isError ? (
        <div className={updating ? 'dash-updating' : undefined}>
          {updating ? <p className="visually-hidden" role="status">{t('dashboard.updating')}</p> : null}
          {children(read.data)}
        </div>
      ) : null}
    </section>
  );
}

/**
 * A chart and its table. Screen readers always get the table (the drawing is hidden from them); the toggle shows
 * the table to everyone, for reading exact figures.
 */
export function ChartOrTable({ chart, table }: { chart: ReactNode; table: ReactNode }) {
  const { t } = useI18n();
  const [asTable, setAsTable] = useState(false);
  return (
    <>
      <button type="button" className="dash-toggle" aria-pressed={asTable} onClick={() => setAsTable((v) => !v)}>
        {t('dashboard.showTable')}
      </button>
      {asTable ? null : <div aria-hidden="true">{chart}</div>}
      <div className={asTable ? 'dash-table' : 'visually-hidden'}>{table}</div>
    </>
  );
}
