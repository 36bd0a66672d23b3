/*
 * Why a row was rejected, or an import failed, in the user's language. The API says it in English only, with no
 * code (ayni/sales/parse.py, jobs.py and sources.py write a set of sentences): the known ones are recognised
 * here; any other is shown as the API wrote it, marked as English.
 */
import type { MessageKey } from '@/shared/i18n/es';
import type { Translate } from '@/shared/i18n/i18n';

/** A sentence of the API, and the text it becomes (its groups fill `{a}` and `{b}`). */
type Known = [RegExp, MessageKey];

const ROW_REASONS: Known[] = [
  [/^the date is missing; expected a date in the form (.+)$/, 'imports.reason.dateMissing'],
  [/^not a date in the form (.+)$/, 'imports.reason.notDate'],
  [/^not a number in the form (.+)$/, 'imports.reason.notNumber'],
  [/^no SKU and no product name/, 'imports.reason.noProduct'],
  [/^no amount and no unit price/, 'imports.reason.noAmount'],
  [/^the location is missing$/, 'imports.reason.noLocation'],
];

/** The failures a user can act on, most likely first. */
const FAILURES: Known[] = [
  [/^(\d+) of (\d+) rows were rejected/, 'imports.failure.tooMany'],
  [/^The uploaded file is no longer stored/, 'imports.failure.gone'],
  [/^The gzip file/, 'imports.failure.gzip'],
  [/^The file is in the old Excel format/, 'imports.upload.xls'],
  [/^The file is empty/, 'imports.failure.empty'],
  [/^The file is not a table|^The workbook's first sheet is not a table/, 'imports.failure.notTable'],
  [/^Ayni could not import this file because of an error of its own/, 'imports.failure.internal'],
];

export interface Reason {
  text: string;
  /** false: the API's own English, shown as it came. */
  known: boolean;
}

/** A group of the API's sentence: a count is a number, written the user's way ("1.234"). */
const part = (group: string | undefined): string | number => (group && /^\d+$/.test(group) ? Number(group) : (group ?? ''));

function recognise(message: string, known: Known[], t: Translate, params: Record<string, string> = {}): Reason {
  for (const [pattern, key] of known) {
    const match = pattern.exec(message);
    if (match) return { text: t(key, { ...params, a: part(match[1]), b: part(match[2]) }), known: true };
  }
  return { text: message, known: false };
}

/** Why a row was rejected. */
export function rejectReason(message: string, t: Translate): Reason {
  return recognise(message, ROW_REASONS, t);
}

/** Why an import failed (`name`: its file's). */
export function failureReason(message: string, name: string, t: Translate): Reason {
  return recognise(message, FAILURES, t, { name });
}
