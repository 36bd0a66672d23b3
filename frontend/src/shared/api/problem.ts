import type { FieldError, Problem } from './types';

const PROBLEM_BASE = 'https://ayni.app/problems/';

/**
 * The slug of one of Ayni's problem types: "https://ayni.app/problems/invalid-credentials" ->
 * "invalid-credentials"; "" for any other type (about:blank, a proxy's own), which only its status explains.
 */
export function problemSlug(type: string): string {
  return type.startsWith(PROBLEM_BASE) ? type.slice(PROBLEM_BASE.length) : '';
}

/**
 * The API answered with an error (a problem+json body, or something we turned into one). Its message is
 * the API's English detail, for developers and the console; the screen shows i18n/problems.ts instead.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds from Retry-After on a 429/503, if any. */
  readonly retryAfter: number | null;

  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  get slug(): string {
    return problemSlug(this.problem.type);
  }
}

/** No answer from the API: it is down, unreachable, or too slow. */
export class NetworkError extends Error {
  readonly kind: 'offline' | 'timeout' | 'bad-gateway';

  constructor(kind: 'offline' | 'timeout' | 'bad-gateway', cause?: unknown) {
    super(`API unreachable (${kind})`, { cause });
    this.name = 'NetworkError';
    this.kind = kind;
  }
}

/** The session ended (refresh failed): the app signs out. */
export class SessionExpiredError extends Error {
  constructor() {
    super('Session expired');
    this.name = 'SessionExpiredError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field name from an API field path: "body.email", "body/email" or "email" -> "email". */
export function fieldName(field: string): string {
  const parts = field.split(/[./]/).filter(Boolean);
  return parts[parts.length - 1] ?? field;
}

function parseFieldError(item: unknown): FieldError | null {
  if (!isRecord(item) || typeof item.message !== 'string') return null;
  const field = Array.isArray(item.field) ? item.field.join('.') : item.field;
  // No code (an older API): the error still counts, and shows the generic text for its field.
  const error: FieldError = { field: typeof field === 'string' ? field : '', message: item.message, code: typeof item.code === 'string' ? item.code : '' };
  if (typeof item.limit === 'number' && Number.isFinite(item.limit)) error.limit = item.limit;
  return error;
}

function parseErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map(parseFieldError).filter((e): e is FieldError => e !== null);
}

/** A problem from any value: keeps what is well-formed, fills the rest from the response. */
export function toProblem(body: unknown, status: number, statusText: string, requestId: string | null): Problem {
  const b = isRecord(body) ? body : {};
  const problem: Problem = {
    type: typeof b.type === 'string' ? b.type : 'about:blank',
    title: typeof b.title === 'string' ? b.title : statusText || `HTTP ${status}`,
    status: typeof b.status === 'number' ? b.status : status,
  };
  if (typeof b.detail === 'string') problem.detail = b.detail;
  const instance = typeof b.instance === 'string' ? b.instance : requestId;
  if (instance) problem.instance = instance;
  const errors = parseErrors(b.errors);
  if (errors) problem.errors = errors;
  return problem;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

/** Reads an error response into an ApiError (never throws). */
export async function problemFromResponse(res: Response): Promise<ApiError> {
  let body: unknown = null;
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      body = await res.json();
    } catch {
      body = null;
    }
  }
  const problem = toProblem(body, res.status, res.statusText, res.headers.get('X-Request-ID'));
  return new ApiError(problem, parseRetryAfter(res.headers.get('Retry-After')));
}

/** Field errors keyed by field name (the first of each), and the errors that match no known field. */
export function splitFieldErrors(
  problem: Problem,
  knownFields: readonly string[],
): { fields: Record<string, FieldError>; rest: FieldError[] } {
  const fields: Record<string, FieldError> = {};
  const rest: FieldError[] = [];
  for (const e of problem.errors ?? []) {
    const name = fieldName(e.field);
    if (knownFields.includes(name) && !(name in fields)) fields[name] = e;
    else if (!knownFields.includes(name)) rest.push(e);
  }
  return { fields, rest };
}
