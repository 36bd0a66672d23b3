// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parseRut, rutCheckDigit, RUT_MAX_BODY } from './rut';

/** A small deterministic generator (LCG), so a failing case can be replayed. */
function* bodies(count: number, seed = 20261201): Generator<number> {
  let state = seed;
  for (let i = 0; i < count; i += 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield 1 + (state % RUT_MAX_BODY);
  }
}

/** The spelling with dots every three digits from the right: 76086428 -> "76.086.428". */
const dotted = (body: number) => String(body).replace(/\B(?=(\d{3})+$)/g, '.');

describe('rutCheckDigit', () => {
  // Worked by hand: 12345678 -> 8·2 + 7·3 + 6·4 + 5·5 + 4·6 + 3·7 + 2·2 + 1·3 = 138; 138 mod 11 = 6; 11 - 6 = 5.
  it.each([
    [76086428, '5'],
    [12345678, '5'],
    [11111111, '1'],
    [1, '9'], // 1·2 = 2; 11 - 2 = 9
    [6, 'K'], // 6·2 = 12; 12 mod 11 = 1; 11 - 1 = 10 -> K
    [10000013, 'K'],
    [19876543, '0'], // sum 187 = 17·11: 11 - 0 = 11 -> 0
    [99999999, '9'],
  ])('%i -> %s', (body, digit) => {
    expect(rutCheckDigit(body)).toBe(digit);
  });
});

describe('parseRut', () => {
  it.each([
    ['76.086.428-5', '76086428-5'],
    ['76086428-5', '76086428-5'],
    ['760864285', '76086428-5'],
    ['  6-k ', '6-K'],
    ['10.000.013-K', '10000013-K'],
    ['07.123.456-8', '7123456-8'], // padded with a zero; 6·2 + 5·3 + 4·4 + 3·5 + 2·6 + 1·7 + 7·2 = 91, 11 - 3 = 8
    ['1-9', '1-9'],
    ['19876543-0', '19876543-0'],
  ])('reads %j as %s', (text, rut) => {
    expect(parseRut(text)).toEqual({ ok: true, rut });
  });

  it.each([
    ['', 'format'],
    ['76.086.4285', 'format'], // dots without the dash
    ['76.0864.28-5', 'format'], // dots in the wrong places
    ['76086428-', 'format'],
    ['76086428-A', 'format'],
    ['٧٦٠٨٦٤٢٨-٥', 'format'], // other scripts' digits
    ['1'.repeat(25), 'format'],
    ['123456789-2', 'length'], // nine digits before the dash
    ['0-0', 'length'],
    ['76.086.428-4', 'check-digit'],
    ['12345678-K', 'check-digit'],
  ])('refuses %j (%s)', (text, problem) => {
    expect(parseRut(text)).toEqual({ ok: false, problem });
  });

  it('over many numbers: the three spellings of a RUT read the same, and every other check digit is refused', () => {
    for (const body of bodies(2000)) {
      const digit = rutCheckDigit(body);
      const normal = `${body}-${digit}`;
      for (const spelling of [`${dotted(body)}-${digit}`, normal, `${body}${digit}`, normal.toLowerCase()]) {
        expect(parseRut(spelling), spelling).toEqual({ ok: true, rut: normal });
      }
      for (const wrong of '0123456789K'.split('').filter((d) => d !== digit)) {
        expect(parseRut(`${body}-${wrong}`), `${body}-${wrong}`).toEqual({ ok: false, problem: 'check-digit' });
      }
    }
  });

  it('over many numbers: the normal form reads back as itself', () => {
    for (const body of bodies(500, 7)) {
      const result = parseRut(`${dotted(body)}-${rutCheckDigit(body)}`);
      expect(result.ok && parseRut(result.rut)).toEqual(result);
    }
  });
});
