import type { UseQueryResult } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { LocationList } from '@/shared/api/types';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import type { Range } from '../period';
import { COMPARES, METRICS, type View } from '../view';
import { PeriodPicker } from './PeriodPicker';

interface FiltersProps {
  view: View;
  range: Range;
  locations: UseQueryResult<LocationList>;
  onChange: (change: Partial<View>) => void;
}

// Below this width the choices besides the period fold away, so a phone shows the figures on its first screen.
const NARROW = '(max-width: 40rem)';

/**
 * What the page shows: the period, then locations, comparison and metric, which fold under a line saying what
 * they are set to (folded at first on a phone). Every change lands in the URL.
 */
export function Filters({ view, range, locations, onChange }: FiltersProps) {
  const { t } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(() => !window.matchMedia(NARROW).matches);
  const chosen = view.locations.length;
  const total = locations.data?.items.length ?? 0;
  const where = chosen && total ? t('dashboard.locations.some', { n: chosen, total }) : t('dashboard.locations.all');
  const summary = [where, t(`dashboard.compare.${view.compare}`), t(`dashboard.metric.${view.metric}`)].join(' · ');
  return (
    <section className="card dash-filters" aria-label={t('dashboard.filters')}>
      <PeriodPicker period={view.period} range={range} onChange={(period) => onChange({ period })} />
      <details className="dash-more" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary>
          <span className="visually-hidden">{t('dashboard.moreFilters')}: </span>
          {summary}
        </summary>
        <div className="dash-more__fields">
          <LocationsFilter selected={view.locations} read={locations} onChange={(ids) => onChange({ locations: ids })} />
          <ChoiceField
            id={`${id}-compare`}
            label={t('dashboard.compare')}
            value={view.compare}
            choices={COMPARES}
            text={(compare) => t(`dashboard.compare.${compare}`)}
            onChange={(compare) => onChange({ compare })}
          />
          <ChoiceField
            id={`${id}-metric`}
            label={t('dashboard.metric')}
            value={view.metric}
            choices={METRICS}
            text={(metric) => t(`dashboard.metric.${metric}`)}
            onChange={(metric) => onChange({ metric })}
          />
        </div>
      </details>
    </section>
  );
}

interface ChoiceFieldProps<Choice extends string> {
  id: string;
  label: string;
  value: Choice;
  choices: readonly Choice[];
  text: (choice: Choice) => string;
  onChange: (choice: Choice) => void;
}

/** A select of one of a fixed list of choices, each shown as `text` says. */
function ChoiceField<Choice extends string>({ id, label, value, choices, text, onChange }: ChoiceFieldProps<Choice>) {
  return (
    <div className="dash-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Choice)}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {text(choice)}
          </option>
        ))}
      </select>
    </div>
  );
}

interface LocationsFilterProps {
  selected: string[];
  read: UseQueryResult<LocationList>;
  onChange: (ids: string[]) => void;
}

/**
 * Which locations to add up: every box ticked means all of them (the URL then names none). Archived locations
 * stay listed, marked: their past sales still count. A company with one location has nothing to choose.
 */
function LocationsFilter({ selected, read, onChange }: LocationsFilterProps) {
  const { t } = useI18n();
  const id = useId();
  const items = read.data?.items ?? [];
  if (read.isError) {
    return (
      <Alert message={describeError(read.error, t)}>
        <button type="button" className="button" onClick={() => void read.refetch()}>
          {t('banner.retry')}
        </button>
      </Alert>
    );
  }
  if (items.length <= 1) return null;
  const all = items.map((location) => location.id);
  const chosen = all.filter((id) => selected.includes(id));
  const ticked = new Set(chosen.length ? chosen : all);
  const toggle = (id: string) => {
    const next = new Set(ticked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onChange(next.size === all.length ? [] : all.filter((one) => next.has(one)));
  };
  return (
    <div className="dash-field">
      <span className="dash-locations__label" id={`${id}-label`}>
        {t('dashboard.locations')}
      </span>
      <details className="dash-locations">
        <summary aria-describedby={`${id}-label`}>
          {chosen.length ? t('dashboard.locations.some', { n: chosen.length, total: all.length }) : t('dashboard.locations.all')}
        </summary>
        <fieldset>
          <legend className="visually-hidden">{t('dashboard.locations')}</legend>
          {items.map((location) => (
            <label key={location.id} className="dash-check">
              <input
                type="checkbox"
                checked={ticked.has(location.id)}
                // The last ticked box stays: no location at all would be an empty page.
                disabled={ticked.size === 1 && ticked.has(location.id)}
                onChange={() => toggle(location.id)}
              />
              {location.name}
              {location.archived_at ? <span className="muted"> {t('dashboard.locations.archived')}</span> : null}
            </label>
          ))}
          {chosen.length ? (
            <button type="button" className="button dash-button" onClick={() => onChange([])}>
              {t('dashboard.locations.showAll')}
            </button>
          ) : null}
        </fieldset>
      </details>
    </div>
  );
}
