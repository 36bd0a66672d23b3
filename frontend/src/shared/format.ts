/** Dates as the user's language writes them ("13 de noviembre de 2025" in es-CL). */
export function formatDate(iso: string, locale: string): string {
  return new Date(iso).toLocaleDateString(locale, { dateStyle: 'long' });
}

/** A moment, to the second ("13 nov 2025, 10:00:00"). */
export function formatDateTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}
