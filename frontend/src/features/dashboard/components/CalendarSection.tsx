import type { UseQueryResult } from '@tanstack/react-query';
import type { Calendar, CalendarMonth } from '@/shared/api/types';
import { formatMoneyCompact, formatMonth, formatPercent } from '@/shared/format';
import { useI18n } from '@/shared/i18n/i18n';
import { Section } from './Section';

const ARROW = { up: '▲', flat: '▬', down: '▼' } as const;

interface CalendarProps {
  read: UseQueryResult<Calendar>;
  year: number;
  /** The last year worth showing (the company's current one). */
  latest: number;
  onYear: (year: number) => void;
}

/** The year as 12 month cards, each up, steady or down against the same month a year earlier. */
export function CalendarSection({ read, year, latest, onYear }: CalendarProps) {
  const { t } = useI18n();
  // The year of the months on screen (the last one's while the next loads). Years go to `t` as strings: it would
  // write 2025 as "2.025" in Spanish.
  const shown = read.data?.year ?? year;
  return (
    <Section
      title={t('dashboard.calendar.title', { year: String(shown) })}
      read={read}
      actions={
        <span className="dash-year">
          <button type="button" className="button dash-button" disabled={year <= 1901} onClick={() => onYear(year - 1)}>
            <span aria-hidden="true">‹ </span>
            {t('dashboard.calendar.previous', { year: String(year - 1) })}
          </button>
          <button type="button" className="button dash-button" disabled={year >= latest} onClick={() => onYear(year + 1)}>
            {t('dashboard.calendar.next', { year: String(year + 1) })}
            <span aria-hidden="true"> ›</span>
          </button>
        </span>
      }
    >
      {(calendar) => (
        <>
          <p className="dash-hint">{t('dashboard.calendar.hint', { year: String(calendar.year - 1) })}</p>
          <ol className="dash-months">
            {calendar.months.map((month) => (
              <MonthCard key={month.month} month={month} calendar={calendar} />
            ))}
          </ol>
        </>
      )}
    </Section>
  );
}

function MonthCard({ month, calendar }: { month: CalendarMonth; calendar: Calendar }) {
  const { t, locale } = useI18n();
  const partial = month.revenue !== null && calendar.last_month !== null && month.month > calendar.last_month;
  const pct = month.vs_previous_year_pct;
  return (
    <li className="dash-month" data-trend={month.revenue === null ? 'empty' : (month.trend ?? 'none')}>
      <h3>{formatMonth(month.month, locale, 'name')}</h3>
      {month.revenue === null ? (
        <p className="muted">{t('dashboard.calendar.noData')}</p>
      ) : (
        <>
          <p className="dash-month__value">{formatMoneyCompact(month.revenue, calendar.currency, locale)}</p>
          <p className="dash-month__trend">
            {month.trend && pct !== null ? (
              <>
                <span aria-hidden="true">{ARROW[month.trend]} </span>
                {t(`dashboard.calendar.${month.trend}`, { pct: formatPercent(month.trend === 'flat' ? pct : Math.abs(pct), locale, { signed: month.trend === 'flat' }) })}
              </>
            ) : (
              t('dashboard.calendar.none')
            )}
          </p>
          {partial ? <p className="muted">{t('dashboard.calendar.partial')}</p> : null}
        </>
      )}
    </li>
  );
}
