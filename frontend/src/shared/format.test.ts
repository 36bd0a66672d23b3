// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatDay, formatDayRange, formatMoney, formatMoneyCompact, formatMonth, formatNumber, formatNumberCompact, formatPercent, formatWeekday } from './format';

// Intl writes a narrow no-break space in some patterns: compare on plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('money', () => {
  it('writes pesos in full the Chilean way, without decimals', () => {
    expect(formatMoney(1234567, 'CLP', 'es-CL')).toBe('$1.234.567');
    expect(formatMoney(1234567.4, 'CLP', 'es-CL')).toBe('$1.234.567');
    expect(formatMoney(0, 'CLP', 'es-CL')).toBe('$0');
  });

  it('writes other currencies with their own minor units', () => {
    expect(formatMoney(1234.5, 'USD', 'es-CL')).toBe('US$1.234,50');
    expect(formatMoney(1234.5, 'USD', 'en')).toBe('$1,234.50');
    expect(plain(formatMoney(1234.5, 'EUR', 'es-CL'))).toBe('EUR 1.234,50');
    // The guaraní has none, like the peso.
    expect(plain(formatMoney(1234.5, 'PYG', 'en'))).toBe('PYG 1,235');
    expect(plain(formatMoney(1234567, 'CLP', 'en'))).toBe('CLP 1,234,567');
  });

  it('writes an amount compact for cards and axes', () => {
    expect(plain(formatMoneyCompact(1234567, 'CLP', 'es-CL'))).toBe('$1,2 M');
    expect(plain(formatMoneyCompact(47_110_020, 'CLP', 'es-CL'))).toBe('$47,1 M');
    expect(plain(formatMoneyCompact(12_345, 'CLP', 'es-CL'))).toBe('$12,3 k');
    expect(plain(formatMoneyCompact(1234567, 'CLP', 'en'))).toBe('CLP 1.2M');
  });
});

describe('numbers and percentages', () => {
  it('writes counts and quantities with the language separators', () => {
    expect(formatNumber(5120, 'es-CL')).toBe('5.120');
    expect(formatNumber(5120, 'en')).toBe('5,120');
    expect(formatNumber(1234.5678, 'es-CL', 4)).toBe('1.234,5678');
    expect(formatNumber(2.456, 'en', 2)).toBe('2.46');
    expect(plain(formatNumberCompact(12_345, 'es-CL'))).toBe('12,3 k');
    expect(formatNumberCompact(12_345, 'en')).toBe('12.3K');
  });

  it('writes the API percentages (already x100), signed for a change', () => {
    expect(plain(formatPercent(6.9, 'es-CL'))).toMatch(/^6,9 ?%$/);
    expect(formatPercent(6.9, 'en')).toBe('6.9%');
    expect(formatPercent(92.44, 'en')).toBe('92.4%');
    expect(formatPercent(-12.4, 'en', { signed: true })).toBe('-12.4%');
    expect(formatPercent(8.4, 'en', { signed: true })).toBe('+8.4%');
    expect(formatPercent(0, 'en', { signed: true })).toBe('0%');
  });
});

describe('dates', () => {
  it('writes a local date DD-MM-YYYY in every language', () => {
    expect(formatDay('2026-02-09')).toBe('09-02-2026');
    expect(formatDay('2024-02-29')).toBe('29-02-2024');
  });

  it('names months and weekdays without moving them through a time zone', () => {
    expect(formatMonth('2025-11-01', 'es-CL')).toBe('noviembre de 2025');
    expect(formatMonth('2025-11-01', 'en', 'short')).toBe('Nov 2025');
    expect(formatMonth('2025-01-01', 'es-CL', 'name')).toBe('enero');
    expect([1, 2, 3, 4, 5, 6, 7].map((d) => formatWeekday(d, 'en'))).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
    expect(formatWeekday(1, 'es-CL')).toBe('lun');
  });
});

describe('money in the imports page', () => {
  it('in the company’s currency, with its own minor units, the language’s way', () => {
    expect(formatMoney(350619, 'CLP', 'es-CL')).toBe('$350.619');
    expect(formatMoney(350619, 'CLP', 'en')).toBe('CLP\u00a0350,619');
    expect(formatMoney(6196.96, 'USD', 'en')).toBe('$6,196.96');
    expect(formatMoney(6196.96, 'USD', 'es-CL')).toBe('US$6.196,96');
    expect(formatMoney(-1990, 'CLP', 'es-CL')).toBe('$-1.990'); // CLDR's es-CL pattern
  });
});

describe('ranges of local dates', () => {
  it('as the language writes them, never shifted a day by the browser’s time zone', () => {
    expect(formatDayRange('2025-10-01', '2025-10-31', 'es-CL')).toBe('1–31 de octubre de 2025');
    expect(formatDayRange('2025-10-01', '2025-10-31', 'en')).toBe('October 1\u2009–\u200931, 2025');
    expect(formatDayRange('2024-12-30', '2025-01-02', 'es-CL')).toBe('30 de diciembre de 2024\u2009–\u20092 de enero de 2025');
    expect(formatDayRange('2025-10-01', '2025-10-01', 'es-CL')).toBe('1 de octubre de 2025');
  });
});
