/** Dates as the user's language writes them ("13 de noviembre de 2025" in es-CL). */
export function formatDate(iso: string, locale: string): string {
  return new Date(iso).toLocaleDateString(locale, { dateStyle: 'long' });
}

/** A moment, to the second ("13 nov 2025, 10:00:00"). */
export function formatDateTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

/*
 * Numbers, money and local dates of the analytics pages (dashboard, imports). A formatter is costly to build
 * (tens of microseconds) and a year of daily points formats hundreds of figures: each one is built once per
 * locale and options, then kept.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * An amount in full, in the currency's own minor units (ISO 4217, as Intl knows them): `$1.234.567` for CLP
 * in es-CL (no decimals), `US$1.234,50` for USD, `CLP 1,234,567` in English.
 */
export function formatMoney(value: number, currency: string, locale: string): string {
  return numberFormat(locale, { style: 'currency', currency }).format(value);
}

/** An amount in a few characters, for cards and chart axes: `$1,2 M` (es-CL), `CLP 1.2M` (en). */
export function formatMoneyCompact(value: number, currency: string, locale: string): string {
  return numberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A count or a quantity: `1.234` (es-CL), `1,234.5` (en) with `fractionDigits` at most. */
export function formatNumber(value: number, locale: string, fractionDigits = 0): string {
  return numberFormat(locale, { maximumFractionDigits: fractionDigits }).format(value);
}

/** A count in a few characters: `12,3 mil` (es-CL), `12.3K` (en). */
export function formatNumberCompact(value: number, locale: string): string {
  return numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/**
 * A percentage the API already multiplied by 100 (`6.9` -> `6,9 %`), one decimal at most; `signed` writes the
 * sign of a change (`+6,9 %`, `-12,4 %`).
 */
export function formatPercent(pct: number, locale: string, { signed = false } = {}): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: signed ? 'exceptZero' : 'auto' }).format(pct / 100);
}

/** A local date `YYYY-MM-DD` (as the API writes one) as `DD-MM-YYYY`, in every language. */
export function formatDay(day: string): string {
  const [year, month, date] = day.split('-');
  return `${date}-${month}-${year}`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    // In UTC: a local date is a calendar day, not an instant, so the browser's own time zone must not move it.
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    dateFormats.set(key, format);
  }
  return format;
}

const MONTH_STYLES = {
  long: { month: 'long', year: 'numeric' },
  short: { month: 'short', year: 'numeric' },
  name: { month: 'long' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

/** The month of a local date: `noviembre de 2025` (long), `nov 2025` (short) or `noviembre` (name). */
export function formatMonth(day: string, locale: string, style: keyof typeof MONTH_STYLES = 'long'): string {
  return dateFormat(locale, MONTH_STYLES[style]).format(new Date(`${day}T00:00:00Z`));
}

/** The short name of a weekday, 1 (Monday) to 7 (Sunday) as the API numbers them: `lun`, `Mon`. */
export function formatWeekday(weekday: number, locale: string): string {
  // 1 January 2024 was a Monday.
  return dateFormat(locale, { weekday: 'short' }).format(new Date(Date.UTC(2024, 0, weekday)));
}

/** A local date ("2025-10-31", no time zone) as a UTC instant, so no zone of the browser's shifts its day. */
function dayInstant(day: string): number {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return Date.UTC(year, month - 1, date);
}

/** Local dates from one to another, as the language writes a range ("1–31 de octubre de 2025"; one day alone). */
export function formatDayRange(from: string, to: string, locale: string): string {
  return dateFormat(locale, { dateStyle: 'long' }).formatRange(dayInstant(from), dayInstant(to));
}
