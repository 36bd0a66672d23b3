import { useId, useState, type FormEvent } from 'react';
import { formatDay } from '@/shared/format';
import { useI18n } from '@/shared/i18n/i18n';
import { MAX_RANGE_YEARS, PRESETS, isDay, rangeProblem, type Range } from '../period';
import type { Period } from '../view';

interface PeriodPickerProps {
  period: Period;
  /** The days the period covers now. */
  range: Range;
  onChange: (period: Period) => void;
}

/**
 * The period: a preset applies at once; "custom" opens two dates (the company's local days) and applies them
 * together, once they make a range the API answers.
 */
export function PeriodPicker({ period, range, onChange }: PeriodPickerProps) {
  const { t } = useI18n();
  const id = useId();
  const [editing, setEditing] = useState(period.preset === 'custom');
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [problem, setProblem] = useState<string | null>(null);
  // When the URL's period changes (a preset chosen, back or forward, a link), the form follows it. Not a remount:
  // the select keeps the keyboard's focus while arrow keys step through the presets.
  const shown = JSON.stringify(period);
  const [seen, setSeen] = useState(shown);
  if (seen !== shown) {
    setSeen(shown);
    setEditing(period.preset === 'custom');
    setFrom(range.from);
    setTo(range.to);
    setProblem(null);
  }

  const choose = (value: string) => {
    if (value === 'custom') {
      setEditing(true);
      return;
    }
    setEditing(false);
    onChange({ preset: value as (typeof PRESETS)[number] });
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (!isDay(from) || !isDay(to)) return setProblem(t('dashboard.period.invalid'));
    const why = rangeProblem({ from, to });
    if (why) return setProblem(why === 'order' ? t('dashboard.period.order') : t('dashboard.period.tooLong', { years: MAX_RANGE_YEARS }));
    setProblem(null);
    onChange({ preset: 'custom', range: { from, to } });
  };

  return (
    <div className="dash-period">
      <div className="dash-field">
        <label htmlFor={`${id}-preset`}>{t('dashboard.period')}</label>
        <select id={`${id}-preset`} value={editing ? 'custom' : period.preset} onChange={(e) => choose(e.target.value)}>
          {[...PRESETS, 'custom' as const].map((preset) => (
            <option key={preset} value={preset}>
              {t(`dashboard.period.${preset}`)}
            </option>
          ))}
        </select>
      </div>
      {editing ? (
        <form className="dash-custom" onSubmit={apply} noValidate>
          <div className="dash-field">
            <label htmlFor={`${id}-from`}>{t('dashboard.period.from')}</label>
            <input id={`${id}-from`} type="date" value={from} required aria-invalid={problem ? true : undefined} aria-describedby={`${id}-problem`} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="dash-field">
            <label htmlFor={`${id}-to`}>{t('dashboard.period.to')}</label>
            <input id={`${id}-to`} type="date" value={to} required aria-invalid={problem ? true : undefined} aria-describedby={`${id}-problem`} onChange={(e) => setTo(e.target.value)} />
          </div>
          <button type="submit" className="button dash-button">
            {t('dashboard.period.apply')}
          </button>
          <p id={`${id}-problem`} className="field__error" aria-live="polite">
            {problem ?? ''}
          </p>
        </form>
      ) : null}
      <p className="dash-hint">{t('dashboard.period.range', { from: formatDay(range.from), to: formatDay(range.to) })}</p>
    </div>
  );
}
