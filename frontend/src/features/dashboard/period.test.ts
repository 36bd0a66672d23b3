// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { PRESETS, addDays, addYears, defaultGrain, endingOn, grainAllowed, isDay, presetRange, rangeDays, rangeProblem, todayIn } from './period';

/** Every preset's range on one day, as `from..to`. */
const ranges = (today: string) => Object.fromEntries(PRESETS.map((p) => [p, Object.values(presetRange(p, today)).join('..')]));

describe("the company's today", () => {
  it('is the date in the company time zone, not the browser one', () => {
    // 02:00 UTC on New Year's Day is still 23:00 of 31 December in Santiago (summer time, UTC-3).
    const now = new Date('2026-01-01T02:00:00Z');
    expect(todayIn('America/Santiago', now)).toBe('2025-12-31');
    expect(todayIn('UTC', now)).toBe('2026-01-01');
    expect(todayIn('Asia/Tokyo', new Date('2026-06-30T16:00:00Z'))).toBe('2026-07-01');
    // Winter time (UTC-4): 03:59 UTC is 23:59 of the day before.
    expect(todayIn('America/Santiago', new Date('2026-07-01T03:59:00Z'))).toBe('2026-06-30');
    expect(todayIn('America/Santiago', new Date('2026-07-01T04:00:00Z'))).toBe('2026-07-01');
  });

  it("so do the presets: the last 7 days of Santiago's 31 December, not of the browser's 1 January", () => {
    const today = todayIn('America/Santiago', new Date('2026-01-01T02:00:00Z'));
    expect(presetRange('last-7', today)).toEqual({ from: '2025-12-24', to: '2025-12-30' });
    expect(presetRange('this-year', today)).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });
});

describe('presets', () => {
  it('in the middle of a month', () => {
    expect(ranges('2026-11-18')).toEqual({
      today: '2026-11-18..2026-11-18',
      yesterday: '2026-11-17..2026-11-17',
      'last-7': '2026-11-11..2026-11-17',
      'last-30': '2026-10-19..2026-11-17',
      'this-month': '2026-11-01..2026-11-18',
      'last-month': '2026-10-01..2026-10-31',
      'this-year': '2026-01-01..2026-11-18',
      'last-year': '2025-01-01..2025-12-31',
    });
  });

  it('at month ends: last month is whole whatever its length', () => {
    expect(presetRange('last-month', '2026-03-31')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last-month', '2026-05-31')).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(presetRange('this-month', '2026-04-30')).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(presetRange('yesterday', '2026-05-01')).toEqual({ from: '2026-04-30', to: '2026-04-30' });
    expect(presetRange('last-30', '2026-03-01')).toEqual({ from: '2026-01-30', to: '2026-02-28' });
  });

  it('in leap years: 29 February exists once every four years', () => {
    expect(presetRange('yesterday', '2024-03-01')).toEqual({ from: '2024-02-29', to: '2024-02-29' });
    expect(presetRange('last-month', '2024-03-15')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(presetRange('this-month', '2024-02-29')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(presetRange('last-7', '2024-03-02')).toEqual({ from: '2024-02-24', to: '2024-03-01' });
    expect(rangeDays(presetRange('last-year', '2025-06-01'))).toBe(366);
    expect(rangeDays(presetRange('last-year', '2026-06-01'))).toBe(365);
    expect(presetRange('yesterday', '2100-03-01')).toEqual({ from: '2100-02-28', to: '2100-02-28' });
  });

  it('at year ends: the days before New Year belong to the year before', () => {
    expect(ranges('2026-01-01')).toEqual({
      today: '2026-01-01..2026-01-01',
      yesterday: '2025-12-31..2025-12-31',
      'last-7': '2025-12-25..2025-12-31',
      'last-30': '2025-12-02..2025-12-31',
      'this-month': '2026-01-01..2026-01-01',
      'last-month': '2025-12-01..2025-12-31',
      'this-year': '2026-01-01..2026-01-01',
      'last-year': '2025-01-01..2025-12-31',
    });
    expect(presetRange('this-year', '2025-12-31')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });
});

describe('date arithmetic', () => {
  it('adds days across months, years and daylight saving changes', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    // Chile's clocks change on the first Sunday of April and of September: a day is still a day.
    expect(addDays('2026-04-04', 1)).toBe('2026-04-05');
    expect(addDays('2026-09-05', 2)).toBe('2026-09-07');
    expect(rangeDays({ from: '2026-04-01', to: '2026-04-30' })).toBe(30);
  });

  it('adds years, 29 February becoming 28 where the year has none', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', -4)).toBe('2020-02-29');
    expect(addYears('2026-12-31', -1)).toBe('2025-12-31');
    expect(addYears('2025-03-01', -1)).toBe('2024-03-01');
  });

  it('knows a real date from a look-alike', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2025-02-29')).toBe(false);
    expect(isDay('2025-13-01')).toBe(false);
    expect(isDay('2025-1-01')).toBe(false);
    expect(isDay('')).toBe(false);
  });
});

describe('what the API answers', () => {
  it('a range in order and under 5 years', () => {
    expect(rangeProblem({ from: '2026-01-02', to: '2026-01-01' })).toBe('order');
    expect(rangeProblem({ from: '2026-01-01', to: '2026-01-01' })).toBeNull();
    expect(rangeProblem({ from: '2021-01-01', to: '2025-12-31' })).toBeNull();
    expect(rangeProblem({ from: '2021-01-01', to: '2026-01-01' })).toBe('too-long');
  });

  it('days only under 3 years; every other grain always', () => {
    expect(grainAllowed('day', { from: '2023-01-01', to: '2025-12-31' })).toBe(true);
    expect(grainAllowed('day', { from: '2023-01-01', to: '2026-01-01' })).toBe(false);
    expect(grainAllowed('day', { from: '2024-02-29', to: '2027-02-27' })).toBe(true);
    expect(grainAllowed('day', { from: '2024-02-29', to: '2027-02-28' })).toBe(false);
    expect(grainAllowed('week', { from: '2021-01-01', to: '2025-12-31' })).toBe(true);
  });

  it('opens a range at a grain worth reading', () => {
    expect(defaultGrain({ from: '2026-11-01', to: '2026-11-30' })).toBe('day');
    expect(defaultGrain({ from: '2026-01-01', to: '2026-03-31' })).toBe('day');
    expect(defaultGrain({ from: '2026-01-01', to: '2026-06-30' })).toBe('week');
    expect(defaultGrain({ from: '2024-01-01', to: '2024-12-31' })).toBe('week');
    expect(defaultGrain({ from: '2024-01-01', to: '2025-12-31' })).toBe('month');
  });

  it('moves a range to end where the data ends, keeping its length', () => {
    expect(endingOn({ from: '2026-11-01', to: '2026-11-30' }, '2026-10-15')).toEqual({ from: '2026-09-16', to: '2026-10-15' });
    expect(endingOn({ from: '2026-12-01', to: '2026-12-01' }, '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-11-30' });
  });
});
