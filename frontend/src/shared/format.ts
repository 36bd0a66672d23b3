/** Dates as the user's language writes them ("13 de noviembre de 2025" in es-CL). */
export function formatDate(iso: string, locale: string): string {
  return new Date(iso).toLocaleDateString(locale, { dateStyle: 'long' });
}

/** A moment, to the second ("13 nov 2025, 10:00:00"). */
export function formatDateTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * An amount in a currency, as the user's language writes it, with the currency's own minor units
 * ("$350.619" for CLP in es-CL, "CLP 350,619" in en, "US$6.196,96" for USD in es-CL).
 */
export function formatMoney(value: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
}

/** A local date ("2025-10-31", no time zone) as a UTC instant, so no zone of the browser's shifts its day. */
function dayInstant(day: string): number {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return Date.UTC(year, month - 1, date);
}

/** Local dates from one to another, as the language writes a range ("1–31 de octubre de 2025"; one day alone). */
export function formatDayRange(from: string, to: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).formatRange(dayInstant(from), dayInstant(to));
}
