import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import { translator } from '../i18n/i18n';
import { asLocationError, currencyOptions, locationBody, locationCode, locationErrors, regionOptions, REGIONS, timezoneNames } from './fields';

const t = translator('en');

describe('locationCode', () => {
  it.each([
    ['Sucursal Ñuñoa', 'SUCURSAL-NUNOA'],
    ['  Local 1 (Centro)  ', 'LOCAL-1-CENTRO'],
    ["O'Higgins / Rancagua", 'O-HIGGINS-RANCAGUA'],
    ['Café Añorado', 'CAFE-ANORADO'],
    ['🙂', 'LOCAL'], // nothing to make a code of
  ])('%j -> %s', (name, code) => {
    expect(locationCode(name)).toBe(code);
  });

  it('keeps to the API’s 50 characters, without a dash at the end', () => {
    const code = locationCode(`${'a'.repeat(49)} bcd`);
    expect(code).toBe('A'.repeat(49));
    expect(locationCode('x'.repeat(80))).toHaveLength(50);
  });
});

describe('a location form', () => {
  it('requires a name; limits the code and the comuna', () => {
    expect(locationErrors({ location_name: ' ', location_code: 'C'.repeat(51), comuna: 'c'.repeat(101), region: '' }, t)).toEqual({
      location_name: 'This field is required.',
      location_code: 'It can have at most 50 characters.',
      comuna: 'It can have at most 100 characters.',
    });
  });

  it('sends the optional fields only when given', () => {
    expect(locationBody({ location_name: ' Centro ', location_code: '', comuna: '', region: '' })).toEqual({
      name: 'Centro',
      code: 'CENTRO',
      comuna: undefined,
      region: undefined,
    });
  });

  it('reads a refusal of `name` and `code` as the location’s fields; anything else passes through', () => {
    const refused = new ApiError({
      type: 'https://ayni.app/problems/validation-error',
      title: 'Invalid',
      status: 422,
      errors: [
        { field: 'body.name', message: 'x', code: 'too-long' },
        { field: 'code', message: 'x', code: 'required' },
        { field: 'comuna', message: 'x', code: 'too-long' },
      ],
    });
    const renamed = asLocationError(refused) as ApiError;
    expect(renamed.problem.errors?.map((e) => e.field)).toEqual(['location_name', 'location_code', 'comuna']);
    const conflict = new ApiError({ type: 'https://ayni.app/problems/code-taken', title: 'Taken', status: 409 });
    expect(asLocationError(conflict)).toBe(conflict);
    const offline = new Error('offline');
    expect(asLocationError(offline)).toBe(offline);
  });
});

describe('the choices', () => {
  it("Chile's 16 regions, and a location's own region outside them still offered", () => {
    expect(REGIONS).toHaveLength(16);
    expect(regionOptions(REGIONS[0])).toHaveLength(16);
    expect(regionOptions('Provincia de Buenos Aires')[0]).toEqual({ value: 'Provincia de Buenos Aires', label: 'Provincia de Buenos Aires' });
  });

  it('currencies by code and name, Chile’s first; a company’s own unlisted one still offered', () => {
    expect(currencyOptions('es-CL')[0]).toEqual({ value: 'CLP', label: 'CLP · Peso chileno' });
    expect(currencyOptions('en', 'XAU')[0]?.value).toBe('XAU');
    expect(currencyOptions('en', 'CLP')).toHaveLength(currencyOptions('en').length);
  });

  it('time zones from the browser; an old one without the list gets Santiago and its own', () => {
    expect(timezoneNames()).toContain('America/Santiago');
    const supported = Object.getOwnPropertyDescriptor(Intl, 'supportedValuesOf')!;
    Object.defineProperty(Intl, 'supportedValuesOf', { value: undefined, configurable: true });
    try {
      expect(timezoneNames()).toEqual([...new Set(['America/Santiago', Intl.DateTimeFormat().resolvedOptions().timeZone])]);
    } finally {
      Object.defineProperty(Intl, 'supportedValuesOf', supported);
    }
  });
});
