/* How a period of a series is named: in full in tables and under the cursor, short on the chart's axis. */
import type { Grain } from '@/shared/api/types';
import { formatDay, formatMonth } from '@/shared/format';
import type { Translate } from '@/shared/i18n/i18n';
import type { Day } from './period';

export function periodLabel(start: Day, grain: Grain, t: Translate, locale: string): string {
  switch (grain) {
    case 'day':
      return formatDay(start);
    case 'week':
      return t('dashboard.weekOf', { date: formatDay(start) });
    case 'month':
      return formatMonth(start, locale);
    default:
      return periodTick(start, grain, t, locale);
  }
}

export function periodTick(start: Day, grain: Grain, t: Translate, locale: string): string {
  const year = start.slice(0, 4);
  switch (grain) {
    case 'day':
    case 'week':
      return formatDay(start).slice(0, 5);
    case 'month':
      return formatMonth(start, locale, 'short');
    case 'quarter':
      // Strings, not numbers: `t` would write 2025 as "2.025" in Spanish.
      return t('dashboard.quarter', { quarter: String(Math.ceil(Number(start.slice(5, 7)) / 3)), year });
    case 'year':
      return year;
  }
}
