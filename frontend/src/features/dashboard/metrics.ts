/* How each metric of the API is written, and which way is good news. */
import type { Metric } from '@/shared/api/types';
import { formatMoney, formatMoneyCompact, formatNumber, formatNumberCompact, formatPercent } from '@/shared/format';

type Kind = 'money' | 'count' | 'quantity' | 'ratio' | 'percent';

const KIND: Record<Metric, Kind> = {
  revenue: 'money',
  avg_ticket: 'money',
  gross_margin: 'money',
  discounts: 'money',
  returns: 'money',
  tickets: 'count',
  customers: 'count',
  units: 'quantity',
  units_per_ticket: 'ratio',
  margin_pct: 'percent',
};

/** Metrics where going up is bad news (the change reads in the warning colour; its words stay neutral). */
const LOWER_IS_BETTER: ReadonlySet<Metric> = new Set<Metric>(['discounts', 'returns']);

export interface Money {
  currency: string;
  locale: string;
}

/**
 * A metric's value in full: money in the currency's minor units, units with the API's up to 4 decimals, units
 * per ticket with 2, percentages with 1.
 */
export function formatMetric(metric: Metric, value: number, { currency, locale }: Money): string {
  switch (KIND[metric]) {
    case 'money':
      return formatMoney(value, currency, locale);
    case 'count':
      return formatNumber(value, locale);
    case 'quantity':
      return formatNumber(value, locale, 4);
    case 'ratio':
      return formatNumber(value, locale, 2);
    case 'percent':
      return formatPercent(value, locale);
  }
}

/** A metric's value in a few characters (chart axes, month cards). */
export function formatMetricCompact(metric: Metric, value: number, money: Money): string {
  switch (KIND[metric]) {
    case 'money':
      return formatMoneyCompact(value, money.currency, money.locale);
    case 'count':
    case 'quantity':
      return formatNumberCompact(value, money.locale);
    default:
      return formatMetric(metric, value, money);
  }
}

export type Direction = 'up' | 'down' | 'flat';
export type Tone = 'good' | 'bad' | 'neutral';

/** Which way a change goes, and whether that is good news for this metric. */
export function changeTone(metric: Metric, direction: Direction): Tone {
  if (direction === 'flat') return 'neutral';
  return (direction === 'up') !== LOWER_IS_BETTER.has(metric) ? 'good' : 'bad';
}

/** The direction of a change in percent (0 is flat: the API rounds to one decimal). */
export function direction(changePct: number): Direction {
  if (changePct > 0) return 'up';
  return changePct < 0 ? 'down' : 'flat';
}
