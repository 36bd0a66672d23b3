/*
 * What a company's and a location's fields may hold, as the API accepts them (DESIGN.md "Companies, locations,
 * members"; ayni/companies/fields.py and chile.py), and their checks in the forms of onboarding and settings.
 * The API checks everything again; these lists only let the forms offer choices instead of free text.
 */
import { ApiError, fieldName } from '../api/problem';
import type { Industry } from '../api/types';
import type { Errors, Values } from '../forms/form';
import type { MessageKey } from '../i18n/es';
import type { Translate } from '../i18n/i18n';
import { NAME_MAX } from '../forms/validation';
import { parseRut, type RutProblem } from './rut';

/** Every industry of the API's enum (the compiler holds the two together), in the order a person scans them. */
export const INDUSTRY_TEXT: Record<Industry, MessageKey> = {
  grocery: 'industry.grocery',
  convenience: 'industry.convenience',
  liquor: 'industry.liquor',
  bakery: 'industry.bakery',
  restaurant: 'industry.restaurant',
  cafe: 'industry.cafe',
  pharmacy: 'industry.pharmacy',
  beauty: 'industry.beauty',
  apparel: 'industry.apparel',
  footwear: 'industry.footwear',
  sports: 'industry.sports',
  home: 'industry.home',
  hardware: 'industry.hardware',
  electronics: 'industry.electronics',
  bookstore: 'industry.bookstore',
  toys: 'industry.toys',
  optical: 'industry.optical',
  jewelry: 'industry.jewelry',
  pet: 'industry.pet',
  other: 'industry.other',
};
const INDUSTRIES = Object.keys(INDUSTRY_TEXT) as Industry[];

function isIndustry(value: string): value is Industry {
  return (INDUSTRIES as string[]).includes(value);
}

export function industryOptions(t: Translate) {
  return INDUSTRIES.map((value) => ({ value, label: t(INDUSTRY_TEXT[value]) }));
}

export const DEFAULT_TIMEZONE = 'America/Santiago';
export const DEFAULT_CURRENCY = 'CLP';

/**
 * The currencies the API accepts (ayni/companies/fields.py, CURRENCIES: every currency of the Americas and the
 * majors), Chile's first. The OpenAPI document gives only "3 letters", so the list is repeated here; a code the
 * API stops accepting still gets its 422.
 */
const CURRENCIES = [
  'CLP', 'USD', 'ARS', 'BOB', 'BRL', 'COP', 'MXN', 'PEN', 'PYG', 'UYU', 'EUR',
  'AWG', 'BBD', 'BMD', 'BSD', 'BZD', 'CAD', 'CRC', 'CUP', 'DOP', 'FKP', 'GTQ', 'GYD', 'HNL', 'HTG', 'JMD', 'KYD',
  'NIO', 'PAB', 'SRD', 'TTD', 'VES', 'XCD', 'XCG',
  'AUD', 'CHF', 'CNY', 'CZK', 'DKK', 'GBP', 'HKD', 'HUF', 'ILS', 'INR', 'ISK', 'JPY', 'KRW', 'NOK', 'NZD', 'PLN',
  'SEK', 'SGD', 'TRY', 'TWD', 'ZAR',
] as const;

/** "CLP · peso chileno": the code a shop owner knows, and its name in the user's language. */
export function currencyOptions(locale: string, current?: string) {
  const names = new Intl.DisplayNames([locale], { type: 'currency' });
  const codes: string[] = current && !(CURRENCIES as readonly string[]).includes(current) ? [current, ...CURRENCIES] : [...CURRENCIES];
  return codes.map((code) => ({ value: code, label: `${code} · ${names.of(code) ?? code}` }));
}

/** Chile's 16 regions by their official names (how the API stores them), north to south. */
export const REGIONS = [
  'Región de Arica y Parinacota',
  'Región de Tarapacá',
  'Región de Antofagasta',
  'Región de Atacama',
  'Región de Coquimbo',
  'Región de Valparaíso',
  'Región Metropolitana de Santiago',
  "Región del Libertador General Bernardo O'Higgins",
  'Región del Maule',
  'Región de Ñuble',
  'Región del Biobío',
  'Región de La Araucanía',
  'Región de Los Ríos',
  'Región de Los Lagos',
  'Región de Aysén del General Carlos Ibáñez del Campo',
  'Región de Magallanes y de la Antártica Chilena',
] as const;

/** The regions to choose from; a location's region outside the list (a company abroad) stays a choice. */
export function regionOptions(current?: string | null) {
  const names: string[] = current && !(REGIONS as readonly string[]).includes(current) ? [current, ...REGIONS] : [...REGIONS];
  return names.map((name) => ({ value: name, label: name }));
}

/**
 * The IANA time zones this browser knows (the API checks against its own database). An old browser without
 * Intl.supportedValuesOf gets Santiago and its own zone.
 */
export function timezoneNames(): string[] {
  if (typeof Intl.supportedValuesOf === 'function') return Intl.supportedValuesOf('timeZone');
  return [...new Set([DEFAULT_TIMEZONE, Intl.DateTimeFormat().resolvedOptions().timeZone])];
}

/** The limits of the API's location fields (LocationCreate). */
const CODE_MAX = 50;
const COMUNA_MAX = 100;

/**
 * A location's code when the user gives none (the API requires one, unique in the company): the name in capitals
 * without accents, words joined by dashes ("Sucursal Ñuñoa" -> "SUCURSAL-NUNOA").
 */
export function locationCode(name: string): string {
  const code = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, CODE_MAX)
    .replace(/-+$/, '');
  return code || 'LOCAL';
}

// --- The forms' fields and checks ---------------------------------------------------------------------------------

export type CompanyField = 'name' | 'rut' | 'industry' | 'timezone' | 'currency';
/** A location's fields, named apart from the company's (onboarding asks for both on one form). */
export type LocationField = 'location_name' | 'location_code' | 'comuna' | 'region';

const RUT_TEXT: Record<RutProblem, MessageKey> = {
  format: 'company.rut.format',
  length: 'company.rut.length',
  'check-digit': 'company.rut.checkDigit',
};

function required(value: string, t: Translate): string | undefined {
  return value.trim() ? undefined : t('validation.required');
}

function tooLong(value: string, limit: number, t: Translate): string | undefined {
  return value.trim().length > limit ? t('fieldError.tooLong', { limit }) : undefined;
}

export function rutError(value: string, t: Translate): string | undefined {
  if (!value.trim()) return t('validation.required');
  const rut = parseRut(value);
  return rut.ok ? undefined : t(RUT_TEXT[rut.problem]);
}

export function companyErrors(v: Values<CompanyField>, t: Translate, timezones: readonly string[]): Errors<CompanyField> {
  return {
    name: required(v.name, t) ?? tooLong(v.name, NAME_MAX, t),
    rut: rutError(v.rut, t),
    industry: isIndustry(v.industry) ? undefined : t('validation.required'),
    timezone: required(v.timezone, t) ?? (timezones.includes(v.timezone) ? undefined : t('company.timezone.unknown')),
    currency: required(v.currency, t),
  };
}

export function locationErrors(v: Values<LocationField>, t: Translate): Errors<LocationField> {
  return {
    location_name: required(v.location_name, t) ?? tooLong(v.location_name, NAME_MAX, t),
    location_code: tooLong(v.location_code, CODE_MAX, t),
    comuna: tooLong(v.comuna, COMUNA_MAX, t),
  };
}

/** A company's fields as the API takes them, from a form whose checks passed (`companyErrors`). */
export function companyBody(v: Values<CompanyField>) {
  return {
    name: v.name.trim(),
    rut: v.rut.trim(),
    industry: v.industry as Industry,
    timezone: v.timezone,
    currency: v.currency,
  };
}

/** The body of a new location: the code from the name when none was given; the optional fields left out when empty. */
export function locationBody(v: Values<LocationField>) {
  const name = v.location_name.trim();
  return {
    name,
    code: v.location_code.trim() || locationCode(name),
    comuna: v.comuna.trim() || undefined,
    region: v.region || undefined,
  };
}

const LOCATION_FIELDS: Record<string, LocationField> = { name: 'location_name', code: 'location_code' };

/** A location's refusal with its fields named as the forms name them (`name` -> `location_name`). */
export function asLocationError(error: unknown): unknown {
  if (!(error instanceof ApiError) || !error.problem.errors) return error;
  const errors = error.problem.errors.map((e) => ({ ...e, field: LOCATION_FIELDS[fieldName(e.field)] ?? e.field }));
  return new ApiError({ ...error.problem, errors }, error.retryAfter);
}
