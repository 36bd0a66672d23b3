import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '@/shared/api/problem';
import type { ImportMode, ImportRecord, SalesField } from '@/shared/api/types';
import { useCompany } from '@/shared/companies/current';
import { formatDayRange } from '@/shared/format';
import { describeError, type FormMessage } from '@/shared/forms/form';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { Loading } from '@/shared/ui/Page';
import { useLocations } from '@/shared/companies/lists';
import { useStartImport } from '../api';
import { FIELD_TEXT } from '../fields';
import { assignField, hasIssues, initialChoices, issuesOf, startBody, startErrors, type Choices, type Preview } from '../preview';
import { ColumnsTable } from './ColumnsTable';
import { FormatChoices } from './FormatChoices';
import { LocationChoices } from './LocationChoices';

/**
 * What the analysis noticed, in the user's words. Missing columns and formats to choose are left out: the
 * sections below show those as they stand, as the user corrects them; and dates that cannot be read stop the
 * review with a text of their own.
 */
const PROBLEM_TEXT: Record<string, MessageKey | null> = {
  'no-date-column': null,
  'no-amount-column': null,
  'no-product-column': null,
  'ambiguous-format': null,
  'unreadable-dates': null,
  'unreadable-numbers': 'imports.problem.unreadableNumbers',
  'rejected-rows': 'imports.problem.rejectedRows',
  'too-many-rejected': 'imports.problem.tooManyRejected',
};

function Noticed({ preview }: { preview: Preview }) {
  const { t } = useI18n();
  const texts = preview.problems
    .map((problem) => (problem.code in PROBLEM_TEXT ? PROBLEM_TEXT[problem.code] : 'imports.problem.other'))
    .filter((key): key is MessageKey => key !== null && key !== undefined);
  if (texts.length === 0) return null;
  return (
    <div className="alert alert--info">
      <ul className="imports-noticed">
        {[...new Set(texts)].map((key) => (
          <li key={key}>{t(key)}</li>
        ))}
      </ul>
    </div>
  );
}

function ModeChoice({ preview, mode, onMode }: { preview: Preview; mode: ImportMode; onMode: (mode: ImportMode) => void }) {
  const { t, locale } = useI18n();
  const id = useId();
  const replaces = preview.replaces ?? 0;
  const dates = preview.date_from && preview.date_to ? formatDayRange(preview.date_from, preview.date_to, locale) : null;
  return (
    <section aria-labelledby={`${id}-h`} className="imports-section">
      <h3 id={`${id}-h`}>{t('imports.mode.title')}</h3>
      <p>{replaces > 0 && dates ? t('imports.mode.replaces', { n: replaces, dates }) : t('imports.mode.nothing')}</p>
      <fieldset className="imports-choices">
        <legend className="visually-hidden">{t('imports.mode.title')}</legend>
        {(['replace', 'append'] as const).map((option) => (
          <label key={option} className="imports-choice">
            <input type="radio" name={`${id}-mode`} checked={mode === option} onChange={() => onMode(option)} />
            <span>
              <strong>{t(option === 'replace' ? 'imports.mode.replace' : 'imports.mode.append')}</strong>{' '}
              {t(option === 'replace' ? 'imports.mode.replaceHint' : 'imports.mode.appendHint')}
            </span>
          </label>
        ))}
      </fieldset>
    </section>
  );
}

/** The review of an analysed file: what Ayni understood, the user's corrections, and the start of the load. */
export function Review({ record, preview }: { record: ImportRecord; preview: Preview }) {
  const { t, locale } = useI18n();
  const company = useCompany();
  const locations = useLocations(company.id);
  const start = useStartImport(company.id, record.id);
  const [choices, setChoices] = useState<Choices>(() => initialChoices(preview));
  const [submitted, setSubmitted] = useState(false);
  const [moved, setMoved] = useState<{ field: SalesField; column: string; freed: string } | null>(null);
  const [focusTurn, setFocusTurn] = useState(0);
  const form = useRef<HTMLFormElement>(null);

  // After a refused start, the first control that says why takes the focus (once its message is on screen).
  useEffect(() => {
    if (focusTurn) form.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-issue]')?.focus();
  }, [focusTurn]);

  if (locations.isPending) return <Loading />;
  if (locations.isError) {
    return (
      <Alert message={describeError(locations.error, t)}>
        <button type="button" className="button" onClick={() => void locations.refetch()}>
          {t('banner.retry')}
        </button>
      </Alert>
    );
  }

  // Archived locations take no new lines, unless the analysis matched a name of the file to one.
  const matched = new Set(preview.locations.map((location) => location.match));
  const usable = locations.data.items.filter((location) => !location.archived_at || matched.has(location.id));
  const issues = issuesOf(preview, choices, usable.length);
  const refused = start.error instanceof ApiError && start.error.status === 422 ? start.error : null;
  const names = preview.locations.flatMap((location) => (location.name === null ? [] : [location.name]));
  const errors = refused ? startErrors(refused.problem, names) : null;

  let formError: FormMessage | null = null;
  // Every refusal on a control: the controls say what is wrong. Else the problem says it.
  if ((submitted && hasIssues(issues)) || errors?.rest.length === 0) formError = { text: t('imports.review.fix') };
  else if (start.error) formError = describeError(start.error, t);

  const assign = (column: string, field: SalesField | null) => {
    const next = assignField(choices, column, field);
    setChoices(next.choices);
    setMoved(field && next.freed ? { field, column, freed: next.freed } : null);
  };
  const update = (patch: Partial<Choices>) => setChoices((current) => ({ ...current, ...patch }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (start.isPending) return;
    setSubmitted(true);
    if (hasIssues(issues)) {
      setFocusTurn((turn) => turn + 1);
      return;
    }
    start.mutate(startBody(preview, choices), { onError: () => setFocusTurn((turn) => turn + 1) });
  };

  const dates = preview.date_from && preview.date_to ? formatDayRange(preview.date_from, preview.date_to, locale) : null;
  return (
    <form ref={form} className="card imports-review" onSubmit={submit} noValidate aria-labelledby="imports-review-h">
      <h2 id="imports-review-h">{t('imports.review.title')}</h2>
      <p>{dates ? t('imports.review.intro', { rows: preview.rows_total, dates }) : t('imports.review.introNoDates', { rows: preview.rows_total })}</p>
      {issues.unreadable ? <Alert message={{ text: t('imports.review.unreadable') }} /> : <Noticed preview={preview} />}
      <ColumnsTable
        preview={preview}
        choices={choices}
        onAssign={assign}
        missing={issues.missing}
        showIssues={submitted}
        errors={errors}
      />
      <p role="status" className="muted">
        {moved
          ? t('imports.columns.moved', { field: t(FIELD_TEXT[moved.field]), column: moved.column, freed: moved.freed })
          : null}
      </p>
      <FormatChoices
        preview={preview}
        date={choices.date}
        number={choices.number}
        onDate={(date) => update({ date })}
        onNumber={(number) => update({ number })}
        showIssues={submitted}
        errors={errors ?? undefined}
      />
      <LocationChoices
        preview={preview}
        choices={choices}
        locations={usable}
        onName={(name, target) => update({ locations: { ...choices.locations, [name]: target } })}
        onOne={(locationId) => update({ locationId })}
        issue={issues.locationId}
        showIssues={submitted}
        errors={errors ?? undefined}
      />
      <ModeChoice preview={preview} mode={choices.mode} onMode={(mode) => update({ mode })} />
      <Alert message={formError} />
      {issues.unreadable ? null : (
        <SubmitButton
          busy={start.isPending}
          label={t('imports.review.start', { rows: preview.rows_total })}
          busyLabel={t('imports.review.starting')}
        />
      )}
    </form>
  );
}
