/*
 * Chile's RUT (DESIGN.md "Companies, locations, members"), read as the API reads it (ayni/companies/fields.py,
 * `normalize_rut`): the web app checks it as the user types, the API checks it again.
 */

/** The largest number before the check digit: eight digits, as every RUT issued so far. */
export const RUT_MAX_BODY = 99_999_999;
/** Longer text is refused before the pattern runs (as the API does). */
const MAX_INPUT = 24;
/**
 * The three spellings, ASCII digits only: dots grouping thousands exactly with the dash (76.086.428-5), the dash
 * without dots (76086428-5), or neither (760864285: the last character is the check digit). Leading zeros, which
 * some systems pad with, are accepted and dropped.
 */
const SPELLINGS = /^(?:([0-9]{1,3}(?:\.[0-9]{3}){1,3})-([0-9K])|([0-9]{1,12})-?([0-9K]))$/;

/** Why a text is not a RUT: not one of the spellings, too many digits, or a check digit that does not match. */
export type RutProblem = 'format' | 'length' | 'check-digit';
export type RutResult = { ok: true; rut: string } | { ok: false; problem: RutProblem };

/** Mod 11: the digits from the right times 2, 3, 4, 5, 6, 7, 2, 3, ...; 11 - (sum mod 11), 11 -> "0", 10 -> "K". */
export function rutCheckDigit(body: number): string {
  let total = 0;
  let weight = 2;
  for (let rest = body; rest > 0; rest = Math.floor(rest / 10)) {
    total += (rest % 10) * weight;
    weight = weight === 7 ? 2 : weight + 1;
  }
  const digit = 11 - (total % 11);
  return digit === 11 ? '0' : digit === 10 ? 'K' : String(digit);
}

/** `76.086.428-5`, `76086428-5` or `760864285` (a lower-case k and spaces around allowed) -> `76086428-5`. */
export function parseRut(text: string): RutResult {
  const value = text.trim().toUpperCase();
  const match = value.length <= MAX_INPUT ? SPELLINGS.exec(value) : null;
  if (!match) return { ok: false, problem: 'format' };
  const [, dotted, dottedDigit, plain, plainDigit] = match;
  const body = Number((dotted ?? plain ?? '').replaceAll('.', ''));
  const given = dottedDigit ?? plainDigit;
  if (body < 1 || body > RUT_MAX_BODY) return { ok: false, problem: 'length' };
  if (rutCheckDigit(body) !== given) return { ok: false, problem: 'check-digit' };
  return { ok: true, rut: `${body}-${given}` };
}
