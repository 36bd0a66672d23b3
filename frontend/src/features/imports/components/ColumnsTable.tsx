import { useId } from 'react';
import type { SalesField } from '@/shared/api/types';
import { useI18n, type Translate } from '@/shared/i18n/i18n';
import { fieldErrorText } from '@/shared/i18n/problems';
import { FIELDS, FIELD_TEXT } from '../fields';
import type { Choices, Issues, Preview, StartErrors } from '../preview';
import { samplesAwaitChoice, samplesOf } from '../samples';

/** How sure the analysis was of a column's field (1: its header is a name of the field; less: a guess). */
function confidenceBadge(confidence: number, t: Translate) {
  const [text, tone] =
    confidence >= 0.95
      ? [t('imports.confidence.high'), 'badge--healthy']
      : confidence >= 0.7
        ? [t('imports.confidence.medium'), '']
        : [t('imports.confidence.low'), 'badge--degraded'];
  return <span className={`badge ${tone}`}>{text}</span>;
}

const MISSING_TEXT = {
  date: 'imports.columns.needDate',
  amount: 'imports.columns.needAmount',
  product: 'imports.columns.needProduct',
} as const;

interface ColumnsTableProps {
  preview: Preview;
  choices: Choices;
  onAssign: (column: string, field: SalesField | null) => void;
  missing: Issues['missing'];
  /** The user tried to start: what is missing is an error now. */
  showIssues: boolean;
  errors: StartErrors | null;
}

/** Each column of the file, the field Ayni gave it (the user may change it), how sure it was, and sample values. */
export function ColumnsTable({ preview, choices, onAssign, missing, showIssues, errors }: ColumnsTableProps) {
  const { t, locale } = useI18n();
  const id = useId();
  const detected = (column: string) => (Object.keys(preview.mapping) as SalesField[]).find((f) => preview.mapping[f]?.column === column);
  return (
    <section aria-labelledby={`${id}-h`} className="imports-section">
      <h3 id={`${id}-h`}>{t('imports.columns.title')}</h3>
      <p className="muted">{t('imports.columns.intro')}</p>
      <div className="imports-scroll" tabIndex={0} role="region" aria-labelledby={`${id}-h`}>
        <table className="imports-table imports-columns">
          <thead>
            <tr>
              <th scope="col">{t('imports.columns.column')}</th>
              <th scope="col">{t('imports.columns.field')}</th>
              <th scope="col">{t('imports.columns.confidence')}</th>
              <th scope="col">{t('imports.columns.samples')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.columns.map((column, index) => {
              const field = choices.columns[column] ?? null;
              const found = detected(column);
              const error = field ? errors?.mapping[field] : undefined;
              const selectId = `${id}-${index}`;
              const samples = samplesOf(preview, column, locale, t);
              return (
                <tr key={column} data-column={column}>
                  <th scope="row" className="break-anywhere">
                    {column}
                  </th>
                  <td data-label={t('imports.columns.field')}>
                    <select
                      id={selectId}
                      aria-label={t('imports.columns.fieldFor', { column })}
                      value={field ?? ''}
                      onChange={(event) => onAssign(column, (event.target.value || null) as SalesField | null)}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? `${selectId}-error` : undefined}
                    >
                      <option value="">{t('imports.field.none')}</option>
                      {FIELDS.map((f) => (
                        <option key={f} value={f}>
                          {t(FIELD_TEXT[f])}
                        </option>
                      ))}
                    </select>
                    {error ? (
                      <p id={`${selectId}-error`} className="field__error">
                        {fieldErrorText(error, t)}
                      </p>
                    ) : null}
                  </td>
                  <td data-label={t('imports.columns.confidence')}>
                    {field === null ? '—' : field === found ? confidenceBadge(preview.mapping[field]?.confidence ?? 0, t) : t('imports.confidence.yours')}
                  </td>
                  <td data-label={t('imports.columns.samples')} className="imports-samples">
                    {field === 'customer'
                      ? t('imports.columns.private')
                      : samplesAwaitChoice(preview, column)
                        ? t('imports.columns.samplesAwait')
                        : samples.join(' · ') || '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {missing.length ? (
        <ul className={`imports-missing${showIssues ? ' imports-missing--error' : ''}`} tabIndex={-1} data-issue={showIssues || undefined}>
          {missing.map((need) => (
            <li key={need}>{t(MISSING_TEXT[need])}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
