/*
 * The import's preview (docs/imports.md, "Read what Ayni understood") and the user's corrections to it: what the
 * review starts from, what it asks before loading, and the body of POST .../start.
 */
import type { DateChoice, FieldError, ImportMode, NumberChoice, Problem, SalesField, StartImport } from '@/shared/api/types';

interface Example<T> {
  value: string;
  reads_as: T;
}

/** One line of the file as it will load (the first 20 of the preview). */
export interface PreviewRow {
  row: number;
  location: string | null;
  sold_at: string;
  ticket: string | null;
  document_type: string | null;
  sku: string | null;
  product: string | null;
  category: string | null;
  quantity: number | null;
  amount: number | null;
  cost: number | null;
  discount: number | null;
  is_return: boolean;
  payment_method: string | null;
  seller: string | null;
}

export interface FileLocation {
  /** null: the file has no location column (one entry, every line). */
  name: string | null;
  lines: number;
  /** The company's location it matches, or null (it would be created). */
  match: string | null;
}

export interface PreviewProblem {
  code: string;
  message: string;
}

/** What the analysis understood of a file (the import's `preview`; the API types it as any object). */
export interface Preview {
  rows_total: number;
  columns: string[];
  mapping: Partial<Record<SalesField, { column: string; confidence: number }>>;
  formats: {
    date: (DateChoice & { example: Example<string> | null }) | null;
    number: (NumberChoice & { example: Example<number> | null }) | null;
  };
  candidates: { date: DateChoice[]; number: NumberChoice[] };
  ambiguous: string[];
  locations: FileLocation[];
  date_from: string | null;
  date_to: string | null;
  /** How many (location, day) of the company's figures the file's dates would replace. */
  replaces?: number;
  rows: PreviewRow[];
  problems: PreviewProblem[];
  /** How the file is read; null when no date could be read, and then the file cannot load. */
  reading: object | null;
  ready: boolean;
}

const DATE_ORDER = 'date_order';
const NUMBER_FORMAT = 'number_format';

/** What the user decides in the review. */
export interface Choices {
  /** Each column of the file -> the field it feeds, or null (ignored). */
  columns: Record<string, SalesField | null>;
  /** The reading of the dates, when the values left it open (null until chosen). */
  date: DateChoice | null;
  number: NumberChoice | null;
  /** Each location name of the file -> a location id of the company, or "new". */
  locations: Record<string, string>;
  /** The location of every line, for a file without a location column ("" until chosen). */
  locationId: string;
  mode: ImportMode;
}

/** The column each field comes from, as the analysis found it. */
function detectedColumns(preview: Preview): Record<string, SalesField | null> {
  const columns: Record<string, SalesField | null> = Object.fromEntries(preview.columns.map((column) => [column, null]));
  for (const [field, match] of Object.entries(preview.mapping) as [SalesField, { column: string }][]) {
    columns[match.column] = field;
  }
  return columns;
}

export function initialChoices(preview: Preview): Choices {
  const locations: Record<string, string> = {};
  for (const location of preview.locations) {
    if (location.name !== null) locations[location.name] = location.match ?? 'new';
  }
  const unnamed = preview.locations.find((location) => location.name === null);
  return {
    columns: detectedColumns(preview),
    date: null,
    number: null,
    locations,
    locationId: unnamed?.match ?? '',
    mode: 'replace',
  };
}

/** The column a field comes from under the user's choices, if any. */
export function columnOf(choices: Choices, field: SalesField): string | undefined {
  return Object.keys(choices.columns).find((column) => choices.columns[column] === field);
}

/**
 * `column` now feeds `field` (or nothing). A field comes from one column: the column that fed it before is
 * ignored from now on, and is returned so the screen can say so.
 */
export function assignField(choices: Choices, column: string, field: SalesField | null): { choices: Choices; freed?: string } {
  const previous = field === null ? undefined : columnOf(choices, field);
  const columns = { ...choices.columns, [column]: field };
  if (previous !== undefined && previous !== column) columns[previous] = null;
  return { choices: { ...choices, columns }, freed: previous !== column ? previous : undefined };
}

/** What the values of the file leave to the user. */
export function asks(preview: Preview): { date: boolean; number: boolean } {
  return {
    date: preview.ambiguous.includes(DATE_ORDER) && preview.candidates.date.length > 1,
    number: preview.ambiguous.includes(NUMBER_FORMAT) && preview.candidates.number.length > 1,
  };
}

/** How the locations of the file are decided under the user's mapping. */
export type LocationPlan =
  | { kind: 'names' } // each name of the file, matched to a location of the company or new
  | { kind: 'other-column'; column: string } // a column the analysis did not read: matched by name when loading
  | { kind: 'one' }; // no location column: every line goes to one location

export function locationPlan(preview: Preview, choices: Choices): LocationPlan {
  const column = columnOf(choices, 'location');
  if (column === undefined) return { kind: 'one' };
  return column === preview.mapping.location?.column ? { kind: 'names' } : { kind: 'other-column', column };
}

/** What keeps the review from starting, each on the control that fixes it. */
export interface Issues {
  /** No date could be read: this file cannot load as it is (the analysis would have to run again). */
  unreadable?: true;
  /** Required fields without a column. */
  missing: ('date' | 'amount' | 'product')[];
  date?: true;
  number?: true;
  locationId?: 'choose' | 'none-exist';
}

export function issuesOf(preview: Preview, choices: Choices, companyLocations: number): Issues {
  const has = (field: SalesField) => columnOf(choices, field) !== undefined;
  const issues: Issues = { missing: [] };
  if (preview.reading === null) issues.unreadable = true;
  if (!has('sold_at')) issues.missing.push('date');
  if (!has('amount') && !has('unit_price')) issues.missing.push('amount');
  if (!has('sku') && !has('product')) issues.missing.push('product');
  const open = asks(preview);
  if (open.date && choices.date === null) issues.date = true;
  if (open.number && choices.number === null) issues.number = true;
  if (locationPlan(preview, choices).kind === 'one' && !choices.locationId) {
    issues.locationId = companyLocations === 0 ? 'none-exist' : 'choose';
  }
  return issues;
}

export function hasIssues(issues: Issues): boolean {
  return Boolean(issues.unreadable || issues.missing.length || issues.date || issues.number || issues.locationId);
}

/** The body of POST .../start: only what the user changed or chose, and the locations spelled out. */
export function startBody(preview: Preview, choices: Choices): StartImport {
  const body: StartImport = { mode: choices.mode };
  const mapping = Object.fromEntries(
    Object.entries(choices.columns)
      .filter((entry): entry is [string, SalesField] => entry[1] !== null)
      .map(([column, field]) => [field, column]),
  );
  const detected = Object.fromEntries(Object.entries(preview.mapping).map(([field, match]) => [field, match.column]));
  const changed =
    Object.keys(mapping).length !== Object.keys(detected).length ||
    Object.entries(mapping).some(([field, column]) => detected[field] !== column);
  if (changed) body.mapping = mapping;
  if (choices.date || choices.number) {
    body.formats = {};
    if (choices.date) body.formats.date = { order: choices.date.order, pattern: choices.date.pattern };
    if (choices.number) body.formats.number = { decimal: choices.number.decimal, thousands: choices.number.thousands };
  }
  const plan = locationPlan(preview, choices);
  if (plan.kind === 'names') body.locations = { ...choices.locations };
  if (plan.kind === 'one') body.location_id = choices.locationId;
  return body;
}

/** The refused corrections of a 422 on start, each under the control it names; the rest for the form. */
export interface StartErrors {
  mapping: Partial<Record<SalesField, FieldError>>;
  locations: Record<string, FieldError>;
  locationId?: FieldError;
  date?: FieldError;
  number?: FieldError;
  mode?: FieldError;
  rest: FieldError[];
}

/** "mapping.sold_at" -> ["mapping", "sold_at"] (a leading "body." dropped, as problem.ts reads paths too). */
function splitFieldPath(field: string): [string, string | undefined] {
  const path = field.replace(/^body[./]/, '');
  const dot = path.indexOf('.');
  return dot < 0 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
}

export function startErrors(problem: Problem, locationNames: readonly string[]): StartErrors {
  const errors: StartErrors = { mapping: {}, locations: {}, rest: [] };
  for (const error of problem.errors ?? []) {
    const [head, rest] = splitFieldPath(error.field);
    if (head === 'mapping' && rest) {
      errors.mapping[rest.split('.')[0] as SalesField] ??= error;
    } else if (head === 'locations' && rest) {
      // A location's name may hold dots ("Av. Providencia"): the longest name the path starts with is the one.
      const name = [...locationNames].sort((a, b) => b.length - a.length).find((n) => rest === n || rest.startsWith(`${n}.`));
      if (name === undefined) errors.rest.push(error);
      else errors.locations[name] ??= error;
    } else if (head === 'location_id') {
      errors.locationId ??= error;
    } else if (head === 'formats' && rest?.startsWith('date')) {
      errors.date ??= error;
    } else if (head === 'formats' && rest?.startsWith('number')) {
      errors.number ??= error;
    } else if (head === 'mode') {
      errors.mode ??= error;
    } else {
      errors.rest.push(error);
    }
  }
  return errors;
}
