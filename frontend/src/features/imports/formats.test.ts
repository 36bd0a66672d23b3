// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { checkFile, formatBytes, XLSX_TYPE } from './files';
import {
  describePattern,
  distinctNumberChoices,
  formatReadNumber,
  formatWallTime,
  hasTime,
  numberStyle,
  readDate,
  readIsoWallTime,
  readNumber,
  sameDate,
  sameNumber,
} from './formats';

const wall = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0) => ({ year, month, day, hour, minute, second });

describe('reading a date as the import does', () => {
  it('reads the parts of a pattern, with one or two digits', () => {
    expect(readDate('08-10-2025 18:57', '%d-%m-%Y %H:%M')).toEqual(wall(2025, 10, 8, 18, 57));
    expect(readDate('1-10-2025 8:05', '%d-%m-%Y %H:%M')).toEqual(wall(2025, 10, 1, 8, 5));
    expect(readDate('2025/10/31', '%Y/%m/%d')).toEqual(wall(2025, 10, 31));
    expect(readDate('10.31.25 23:59:30', '%m.%d.%y %H:%M:%S')).toEqual(wall(2025, 10, 31, 23, 59, 30));
    expect(readDate('2025-10-08T18:57:00', '%Y-%m-%dT%H:%M:%S')).toEqual(wall(2025, 10, 8, 18, 57));
  });

  it('the same text reads as another day under another order', () => {
    expect(readDate('05-03-2024', '%d-%m-%Y')).toEqual(wall(2024, 3, 5));
    expect(readDate('05-03-2024', '%m-%d-%Y')).toEqual(wall(2024, 5, 3));
  });

  it('reads twelve-hour times, in English and Spanish writing', () => {
    expect(readDate('01/10/2025 6:57 PM', '%d/%m/%Y %I:%M %p')).toEqual(wall(2025, 10, 1, 18, 57));
    expect(readDate('01/10/2025 6:57 p. m.', '%d/%m/%Y %I:%M %p')).toEqual(wall(2025, 10, 1, 18, 57));
    expect(readDate('01/10/2025 12:05 a.m.', '%d/%m/%Y %I:%M %p')).toEqual(wall(2025, 10, 1, 0, 5));
    expect(readDate('01/10/2025 12:05 pm', '%d/%m/%Y %I:%M %p')).toEqual(wall(2025, 10, 1, 12, 5));
    expect(readDate('01/10/2025 13:05 pm', '%d/%m/%Y %I:%M %p')).toBeNull();
  });

  it('two-digit years: 70 to 99 are the 1900s, the rest the 2000s', () => {
    expect(readDate('01-01-69', '%d-%m-%y')?.year).toBe(2069);
    expect(readDate('01-01-70', '%d-%m-%y')?.year).toBe(1970);
  });

  it('refuses what is no date: a day the month lacks, a month 13, an absurd year, other shapes', () => {
    expect(readDate('31-02-2025', '%d-%m-%Y')).toBeNull();
    expect(readDate('29-02-2024', '%d-%m-%Y')).toEqual(wall(2024, 2, 29));
    expect(readDate('13-13-2025', '%d-%m-%Y')).toBeNull();
    expect(readDate('01-01-0024', '%d-%m-%Y')).toBeNull();
    expect(readDate('01-01-2025 24:00', '%d-%m-%Y %H:%M')).toBeNull();
    expect(readDate('01/01/2025', '%d-%m-%Y')).toBeNull();
    expect(readDate('ayer', '%d-%m-%Y')).toBeNull();
  });

  it('reads the wall time of the API’s ISO date-times, offset or not', () => {
    expect(readIsoWallTime('2025-10-01T08:05:00-03:00')).toEqual(wall(2025, 10, 1, 8, 5));
    expect(readIsoWallTime('2025-10-08T18:57:00')).toEqual(wall(2025, 10, 8, 18, 57));
    expect(hasTime('%d-%m-%Y %H:%M')).toBe(true);
    expect(hasTime('%d/%m/%Y %I:%M %p')).toBe(true);
    expect(hasTime('%d-%m-%Y')).toBe(false);
  });

  it('writes a date in the user’s language, on 24 hours', () => {
    expect(formatWallTime(wall(2025, 10, 8, 18, 57), true, 'es-CL')).toBe('8 de octubre de 2025 a las 18:57');
    expect(formatWallTime(wall(2025, 10, 8, 18, 57), true, 'en')).toBe('October 8, 2025 at 18:57');
    expect(formatWallTime(wall(2025, 10, 8, 18, 57), false, 'es-CL')).toBe('8 de octubre de 2025');
    expect(formatWallTime(wall(2025, 10, 1, 8, 5), true, 'es-CL', 'short')).toBe('1 oct 2025, 08:05');
  });

  it('describes a pattern in the user’s letters', () => {
    const words = { day: 'DD', month: 'MM', year: 'AAAA', shortYear: 'AA', hour: 'HH', minute: 'mm', second: 'ss', meridiem: 'AM/PM' };
    expect(describePattern('%d-%m-%Y %H:%M', words)).toBe('DD-MM-AAAA HH:mm');
    expect(describePattern('%m/%d/%y %I:%M:%S %p', words)).toBe('MM/DD/AA HH:mm:ss AM/PM');
    expect(describePattern('%Y%q', words)).toBe('AAAA%q');
  });

  it('compares date choices by order and pattern', () => {
    expect(sameDate({ order: 'DMY', pattern: '%d-%m-%Y' }, { order: 'DMY', pattern: '%d-%m-%Y' })).toBe(true);
    expect(sameDate({ order: 'DMY', pattern: '%d-%m-%Y' }, { order: 'MDY', pattern: '%m-%d-%Y' })).toBe(false);
    expect(sameDate(null, { order: 'DMY', pattern: '%d-%m-%Y' })).toBe(false);
  });
});

describe('reading a number as the import does', () => {
  const chilean = { decimal: ',', thousands: '.' } as const;
  const american = { decimal: '.', thousands: ',' } as const;

  it('reads the separators of the format', () => {
    expect(readNumber('1.234,56', chilean)).toBe(1234.56);
    expect(readNumber('1,234.56', american)).toBe(1234.56);
    expect(readNumber('1.088', chilean)).toBe(1088);
    expect(readNumber('1.088', american)).toBe(1.088);
    expect(readNumber('1234', { decimal: ',', thousands: '' })).toBe(1234);
    expect(readNumber('1 234,5', { decimal: ',', thousands: ' ' })).toBe(1234.5);
    expect(readNumber(',5', chilean)).toBe(0.5);
  });

  it('understands currency signs, spaces, signs and negatives in parentheses', () => {
    expect(readNumber('$ 1.990', chilean)).toBe(1990);
    expect(readNumber('-$1.990', chilean)).toBe(-1990);
    expect(readNumber('(1.234)', chilean)).toBe(-1234);
    expect(readNumber('CLP 12.000', chilean)).toBe(12000);
    expect(readNumber('+15', chilean)).toBe(15);
  });

  it('refuses what the format cannot read', () => {
    expect(readNumber('1,234.56', chilean)).toBeNull();
    expect(readNumber('12.34.5', chilean)).toBeNull();
    expect(readNumber('(1.234', chilean)).toBeNull();
    expect(readNumber('--5', chilean)).toBeNull();
    expect(readNumber('cinco', chilean)).toBeNull();
  });

  it('writes a number read without thousands separators, so it cannot be misread', () => {
    expect(formatReadNumber(1234.56, 'es-CL')).toBe('1234,56');
    expect(formatReadNumber(1234.56, 'en')).toBe('1234.56');
    expect(formatReadNumber(1.088, 'es-CL')).toBe('1,088');
    expect(numberStyle(chilean)).toBe('1.234,56');
    expect(numberStyle({ decimal: '.', thousands: '' })).toBe('1234.56');
  });

  it('offers one number format per decimal separator, the best first', () => {
    const candidates = [
      { decimal: ',', thousands: '' },
      { decimal: ',', thousands: '.' },
      { decimal: '.', thousands: '' },
      { decimal: '.', thousands: ',' },
    ] as const;
    expect(distinctNumberChoices(candidates)).toEqual([candidates[0], candidates[2]]);
    expect(sameNumber(candidates[0], { decimal: ',', thousands: '' })).toBe(true);
    expect(sameNumber(candidates[0], candidates[1])).toBe(false);
  });
});

describe('the files the upload takes', () => {
  const file = (name: string, size = 10) => ({ name, size });

  it('declares each kind by its name', () => {
    expect(checkFile(file('ventas-octubre.csv'))).toEqual({ ok: true, contentType: 'text/csv' });
    expect(checkFile(file('VENTAS.CSV.GZ'))).toEqual({ ok: true, contentType: 'application/gzip' });
    expect(checkFile(file('ventas.xlsx'))).toEqual({ ok: true, contentType: XLSX_TYPE });
  });

  it('refuses other kinds, the old Excel format with its own reason, and an empty file', () => {
    expect(checkFile(file('ventas.pdf'))).toEqual({ ok: false, refusal: 'type' });
    expect(checkFile(file('ventas.xls'))).toEqual({ ok: false, refusal: 'xls' });
    expect(checkFile(file('ventas'))).toEqual({ ok: false, refusal: 'type' });
    expect(checkFile(file('ventas.csv', 0))).toEqual({ ok: false, refusal: 'empty' });
  });

  it('writes sizes as phones show them', () => {
    expect(formatBytes(820, 'es-CL')).toBe('0,8 kB');
    expect(formatBytes(4_814, 'en')).toBe('4.8 kB');
    expect(formatBytes(3_250_000, 'es-CL')).toBe('3,3 MB');
    expect(formatBytes(1_500_000_000, 'en')).toBe('1.5 GB');
  });
});
