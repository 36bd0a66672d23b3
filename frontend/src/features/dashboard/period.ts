/*
 * The dashboard's dates, pure. A day is a local date of the company's time zone written `YYYY-MM-DD`, as the API
 * reads and writes them: a calendar day, not an instant, so the arithmetic below runs in UTC where no daylight
 * saving time can move it. Only `todayIn` looks at an instant, and the clock is given to it.
 */
import type { Grain } from '@/shared/api/types';

export type Day = string;

/** From `from` to `to`, both included. */
export interface Range {
  from: Day;
  to: Day;
}

/**
 * The periods the picker offers. "Last 7 / 30 days" are whole days, today left out: sales come from POS exports
 * uploaded after the day closes, so today is mostly empty and would drag every comparison down. "This month" and
 * "this year" run to today.
 */
export const PRESETS = ['today', 'yesterday', 'last-7', 'last-30', 'this-month', 'last-month', 'this-year', 'last-year'] as const;
export type Preset = (typeof PRESETS)[number];

/** The API's limits (docs/analytics.md): a range under 5 years, a daily series under 3. */
export const MAX_RANGE_YEARS = 5;
export const MAX_DAY_GRAIN_YEARS = 3;

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function toDate(day: Day): Date {
  return new Date(`${day}T00:00:00Z`);
}

function toDay(date: Date): Day {
  return date.toISOString().slice(0, 10);
}

/** Is `text` a real date written `YYYY-MM-DD` (not `2025-02-30`)? */
export function isDay(text: string): boolean {
  return DAY_PATTERN.test(text) && !Number.isNaN(toDate(text).getTime()) && toDay(toDate(text)) === text;
}

/** The date in `timezone` at the instant `now`: the company's today, whatever the browser's zone says. */
export function todayIn(timezone: string, now: Date): Day {
  const parts = new Intl.DateTimeFormat('en', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function addDays(day: Day, days: number): Day {
  return toDay(new Date(toDate(day).getTime() + days * DAY_MS));
}

/** The same date `years` later (earlier when negative); 29 February, where that year has none, is 28 February. */
export function addYears(day: Day, years: number): Day {
  const date = toDate(day);
  const moved = new Date(Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), 1));
  const lastOfMonth = new Date(Date.UTC(moved.getUTCFullYear(), moved.getUTCMonth() + 1, 0)).getUTCDate();
  moved.setUTCDate(Math.min(date.getUTCDate(), lastOfMonth));
  return toDay(moved);
}

/** How many days a range covers, both ends included. */
export function rangeDays({ from, to }: Range): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / DAY_MS) + 1;
}

function monthStart(day: Day, monthsLater = 0): Day {
  const date = toDate(day);
  return toDay(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthsLater, 1)));
}

/** The days a preset covers on the company's `today`. */
export function presetRange(preset: Preset, today: Day): Range {
  const year = today.slice(0, 4);
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'last-7':
      return { from: addDays(today, -7), to: addDays(today, -1) };
    case 'last-30':
      return { from: addDays(today, -30), to: addDays(today, -1) };
    case 'this-month':
      return { from: monthStart(today), to: today };
    case 'last-month':
      return { from: monthStart(today, -1), to: addDays(monthStart(today), -1) };
    case 'this-year':
      return { from: `${year}-01-01`, to: today };
    case 'last-year':
      return { from: `${Number(year) - 1}-01-01`, to: `${Number(year) - 1}-12-31` };
  }
}

/** Why the API would refuse a range, or null: `from` after `to`, or 5 years or more. */
export function rangeProblem({ from, to }: Range): 'order' | 'too-long' | null {
  if (from > to) return 'order';
  return to >= addYears(from, MAX_RANGE_YEARS) ? 'too-long' : null;
}

export const GRAINS: readonly Grain[] = ['day', 'week', 'month', 'quarter', 'year'];

/** Whether the API answers `grain` for the range: days only under 3 years (about 1,100 points). */
export function grainAllowed(grain: Grain, { from, to }: Range): boolean {
  return grain !== 'day' || to < addYears(from, MAX_DAY_GRAIN_YEARS);
}

/**
 * The grain a range opens with: days up to a quarter, weeks up to a year (52 points still read on a phone), then
 * months.
 */
export function defaultGrain(range: Range): Grain {
  const days = rangeDays(range);
  if (days <= 92) return 'day';
  return days <= 366 ? 'week' : 'month';
}

/** The range the same length as `range` that ends on `last` (where the data ends). */
export function endingOn(range: Range, last: Day): Range {
  return { from: addDays(last, 1 - rangeDays(range)), to: last };
}
