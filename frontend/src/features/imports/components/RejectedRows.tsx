import { useState } from 'react';
import type { ImportRecord } from '@/shared/api/types';
import { useCompany } from '@/shared/companies/current';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { saveFile } from '@/shared/download';
import { downloadRejected } from '../api';
import { rejectReason } from '../reasons';
import { counted } from '../counted';

/** The name the download is saved under: the file's, without its extension, then "-rechazadas.csv" (or English). */
function rejectedFileName(filename: string, suffix: string): string {
  const base = filename.replace(/\.(csv|xlsx|csv\.gz|gz)$/i, '') || 'import';
  return `${base}-${suffix}.csv`;
}

/** The rows the import rejected: the first ones the API lists, with why; all of them as a CSV to download. */
export function RejectedRows({ record }: { record: ImportRecord }) {
  const { t, locale } = useI18n();
  const company = useCompany();
  const [downloading, setDownloading] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const rows = record.errors.filter((error) => error.row !== null);
  if (rows.length === 0) return null;
  const total = record.summary?.lines_rejected ?? rows.length;

  const save = async () => {
    setDownloading(true);
    setFailure(null);
    try {
      saveFile(await downloadRejected(company.id, record.id), rejectedFileName(record.filename, t('imports.rejected.suffix')));
    } catch (error) {
      setFailure(error);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="card" aria-labelledby="imports-rejected-h">
      <h2 id="imports-rejected-h">{t('imports.rejected.title')}</h2>
      <p className="muted">
        {total > rows.length
          ? t('imports.rejected.first', { shown: rows.length, total })
          : counted(t, rows.length, 'imports.rejected.one', 'imports.rejected.all')}
      </p>
      <div className="imports-scroll" tabIndex={0} role="region" aria-labelledby="imports-rejected-h">
        <table className="imports-table">
          <thead>
            <tr>
              <th scope="col">{t('imports.rejected.row')}</th>
              <th scope="col">{t('imports.rejected.column')}</th>
              <th scope="col">{t('imports.rejected.value')}</th>
              <th scope="col">{t('imports.rejected.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((error) => {
              const reason = rejectReason(error.message, t);
              return (
                <tr key={`${error.row}-${error.column}`}>
                  <td>{error.row?.toLocaleString(locale)}</td>
                  <td>{error.column ?? '—'}</td>
                  <td className="imports-value">{error.value ?? '—'}</td>
                  <td lang={reason.known ? undefined : 'en'}>{reason.text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Alert message={failure ? describeError(failure, t) : null} />
      {record.file_kept ? (
        <div className="actions">
          <button type="button" className="button" onClick={() => void save()} disabled={downloading} aria-busy={downloading}>
            {downloading ? t('imports.rejected.downloading') : t('imports.rejected.download')}
          </button>
        </div>
      ) : (
        <p className="muted">{t('imports.rejected.gone')}</p>
      )}
    </section>
  );
}
