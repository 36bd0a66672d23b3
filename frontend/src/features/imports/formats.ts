/*
 * How a value of the file reads under a date or number format, for the review's examples. The API gives one
 * example, read under the format it chose; when the values leave a choice to the user, each candidate is shown
 * reading that same value, computed here by the rules the import applies (ayni/sales/formats.py).
 */
import type { DateChoice, NumberChoice } from '@/shared/api/types';

/** A wall-clock date and time, as written in the file (no time zone: times are the company's local ones). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// The years a sale may have: outside them a pattern is wrong ("24" read as the year 24), as the import says.
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;

/** What each strftime code of a date pattern reads (the codes ayni/sales/formats.py writes). */
const CODES: Record<string, { group: string; part: keyof WallTime | 'meridiem' | 'shortYear' | 'hour12' }> = {
  '%d': { group: '(\\d{1,2})', part: 'day' },
  '%m': { group: '(\\d{1,2})', part: 'month' },
  '%Y': { group: '(\\d{4})', part: 'year' },
  '%y': { group: '(\\d{2})', part: 'shortYear' },
  '%H': { group: '(\\d{1,2})', part: 'hour' },
  '%I': { group: '(\\d{1,2})', part: 'hour12' },
  '%M': { group: '(\\d{1,2})', part: 'minute' },
  '%S': { group: '(\\d{1,2})', part: 'second' },
  // "PM", "pm", "p.m." and the Spanish "p. m.".
  '%p': { group: '([AaPp])\\.?\\s?[Mm]\\.?', part: 'meridiem' },
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The date and time `text` says under a strftime `pattern` (`%d-%m-%Y %H:%M`); null when it does not read. */
export function readDate(text: string, pattern: string): WallTime | null {
  const parts: string[] = [];
  const source = pattern
    .split(/(%[a-zA-Z])/)
    .map((piece) => {
      const code = CODES[piece];
      if (code) {
        parts.push(code.part);
        return code.group;
      }
      return escapeRegExp(piece).replace(/ +/g, '\\s+');
    })
    .join('');
  const match = new RegExp(`^\\s*${source}\\s*$`).exec(text);
  if (!match) return null;
  const found: Record<string, string> = {};
  parts.forEach((part, index) => {
    found[part] = match[index + 1] ?? '';
  });
  const number = (part: string) => (found[part] === undefined ? 0 : Number(found[part]));
  let year = number('year');
  // A two-digit year as the import reads it: 70-99 are 1970-1999, 00-69 are 2000-2069.
  if ('shortYear' in found) year = number('shortYear') + (number('shortYear') < 70 ? 2000 : 1900);
  let hour = number('hour');
  if ('hour12' in found) {
    const h = number('hour12');
    if (h < 1 || h > 12) return null;
    const pm = /p/i.test(found.meridiem ?? '');
    hour = (h % 12) + (pm ? 12 : 0);
  }
  const wall: WallTime = { year, month: number('month'), day: number('day'), hour, minute: number('minute'), second: number('second') };
  const valid =
    wall.year >= FIRST_YEAR &&
    wall.year <= LAST_YEAR &&
    wall.month >= 1 &&
    wall.month <= 12 &&
    wall.day >= 1 &&
    wall.day <= daysInMonth(wall.year, wall.month) &&
    wall.hour <= 23 &&
    wall.minute <= 59 &&
    wall.second <= 59;
  return valid ? wall : null;
}

/** Whether a date pattern carries a time of day (else the import reads midnight). */
export const hasTime = (pattern: string): boolean => /%[HI]/.test(pattern);

/**
 * "8 de octubre de 2025 a las 18:57" (es-CL), "October 8, 2025 at 18:57" (en), or "8 oct 2025, 18:57" with
 * `month: 'short'`; the time only when `withTime`, on 24 hours (a file's "6:57" is never an afternoon by guess).
 */
export function formatWallTime(wall: WallTime, withTime: boolean, locale: string, month: 'long' | 'short' = 'long'): string {
  const time: Intl.DateTimeFormatOptions = withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {};
  const instant = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month, year: 'numeric', timeZone: 'UTC', ...time }).format(instant);
}

/** A date-time as the API writes it (`2025-10-08T18:57:00`, an offset after it ignored): its wall-clock time. */
export function readIsoWallTime(iso: string): WallTime | null {
  return readDate(iso.slice(0, 19), '%Y-%m-%dT%H:%M:%S');
}

const SPACES = '[\\s\\u00a0\\u202f]';
const CURRENCY = '(?:US\\$|\\$|CLP|USD|EUR|ARS|MXN|PEN|COP|BRL|UYU|BOB|PYG)';

function numberRegExp({ decimal, thousands }: NumberChoice): RegExp {
  const dec = escapeRegExp(decimal);
  const group = thousands === ' ' ? SPACES : escapeRegExp(thousands);
  const integer = thousands ? `(?:\\d{1,3}(?:${group}\\d{3})+|\\d+)` : '\\d+';
  const number = `(?:${integer}(?:${dec}\\d*)?|${dec}\\d+)`;
  const sp = `${SPACES}*`;
  return new RegExp(`^(\\(?)${sp}([-+]?)${sp}${CURRENCY}?${sp}([-+]?)${sp}(${number})${sp}${CURRENCY}?${sp}(\\)?)$`, 'i');
}

/**
 * The number `text` says under a decimal and thousands separator (`$`, currency codes, spaces, a sign and
 * `(1.234)` negatives understood; thousands in groups of three); null when it does not read.
 */
export function readNumber(text: string, format: NumberChoice): number | null {
  const match = numberRegExp(format).exec(text.trim());
  if (!match) return null;
  const [, open = '', sign = '', sign2 = '', written = '', close = ''] = match;
  if (open.length !== close.length || (sign + sign2).length > 1) return null;
  let digits = written.replace(new RegExp(SPACES, 'g'), '');
  if (format.thousands.trim()) digits = digits.split(format.thousands).join('');
  const value = Number(digits.replace(format.decimal, '.'));
  return open || sign + sign2 === '-' ? -value : value;
}

/** A number as read, in the user's language and without thousands separators, so it cannot be misread: "1234,56". */
export function formatReadNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 4 }).format(value);
}

/** The style of a number format, shown as the number 1234.56 written in it: "1.234,56", "1,234.56", "1234.56". */
export function numberStyle({ decimal, thousands }: NumberChoice): string {
  return `1${thousands}234${decimal}56`;
}

/** The words of a date pattern's parts, in the user's language ("DD", "MM", "AAAA"...). */
export interface PatternWords {
  day: string;
  month: string;
  year: string;
  shortYear: string;
  hour: string;
  minute: string;
  second: string;
  meridiem: string;
}

/** A date pattern as a person writes it: `%d-%m-%Y %H:%M` -> "DD-MM-AAAA HH:mm" (in Spanish). */
export function describePattern(pattern: string, words: PatternWords): string {
  const byCode: Record<string, string> = {
    '%d': words.day,
    '%m': words.month,
    '%Y': words.year,
    '%y': words.shortYear,
    '%H': words.hour,
    '%I': words.hour,
    '%M': words.minute,
    '%S': words.second,
    '%p': words.meridiem,
  };
  return pattern.replace(/%[a-zA-Z]/g, (code) => byCode[code] ?? code);
}

/**
 * The number formats worth offering: one per decimal separator, the API's best first. Formats that share the
 * decimal separator read every value of the file alike (a value with a thousands separator would fail the
 * other), so the choice that matters is the decimal one.
 */
export function distinctNumberChoices(candidates: readonly NumberChoice[]): NumberChoice[] {
  const seen = new Set<string>();
  return candidates.filter((choice) => {
    if (seen.has(choice.decimal)) return false;
    seen.add(choice.decimal);
    return true;
  });
}

export const sameDate = (a: DateChoice | null, b: DateChoice | null): boolean => a?.order === b?.order && a?.pattern === b?.pattern;
export const sameNumber = (a: NumberChoice | null, b: NumberChoice | null): boolean =>
  a?.decimal === b?.decimal && a?.thousands === b?.thousands;
