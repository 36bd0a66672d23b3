import { createApiClient, type ApiClient, type DownloadedFile } from './client';
import { connectivity } from './connectivity';
import { operations, type AnswerOf, type BodyOf, type OperationName, type ParamsOf, type QueryOf } from './operations';

const API_PATH = '/api/v1';

/**
 * The API base URL, fixed at build time from VITE_API_URL. Default: the same origin (`/api/v1`,
 * relative), where the static host forwards /api/* to the API, so the SameSite=Strict refresh cookie is
 * first-party. An absolute URL still works (an API on its own origin that allows this one by CORS); an
 * origin alone, as in `VITE_API_URL=https://api.ayni.cl`, means the API's usual path there.
 */
export function apiBaseUrl(env: { VITE_API_URL?: string } = import.meta.env): string {
  const url = env.VITE_API_URL?.trim().replace(/\/+$/, '');
  if (!url) return API_PATH;
  return /^https?:\/\/[^/]+$/i.test(url) ? `${url}${API_PATH}` : url;
}

let sessionExpiredListener: (() => void) | null = null;

/** The session provider listens here to sign out when a refresh is refused. */
export function onSessionExpired(listener: (() => void) | null): void {
  sessionExpiredListener = listener;
}

/** The one client of the app: every call, the session's and each feature's, goes through it. */
export const client: ApiClient = createApiClient({
  baseUrl: apiBaseUrl(),
  onSessionExpired: () => sessionExpiredListener?.(),
  onConnectivity: (up) => connectivity.set(up),
});

/** `{job_id}` holes of a path, filled (and escaped) from params. */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (hole, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`no value for ${hole} in ${path}`);
    return encodeURIComponent(value);
  });
}

/** A value of a query string: absent, one value, or a repeated parameter (`location=a&location=b`). */
type QueryValue = string | number | readonly string[] | undefined;

/** `?name=value&...` from query parameters, in their order, leaving out absent ones; '' when none is given. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const one of typeof value === 'object' ? value : [value]) search.append(name, String(one));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

type CallOptions<N extends OperationName> = {
  signal?: AbortSignal;
  /** Error statuses whose JSON body is still the answer (e.g. 503 from /health). */
  acceptStatuses?: number[];
} & ([ParamsOf<N>] extends [never] ? { params?: undefined } : { params: ParamsOf<N> }) &
  // The query may be left out when none of its parameters is required.
  ([QueryOf<N>] extends [never]
    ? { query?: undefined }
    : Partial<NonNullable<QueryOf<N>>> extends NonNullable<QueryOf<N>>
      ? { query?: QueryOf<N> }
      : { query: QueryOf<N> }) &
  (undefined extends BodyOf<N> ? { body?: BodyOf<N> } : { body: BodyOf<N> });

/** What locates a call, whichever operation it is. */
interface Target {
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
}

/** The URL of one call: its path holes filled and its query appended. */
function url(name: OperationName, { params, query }: Target = {}): string {
  return fillPath(operations[name].path, params) + queryString(query);
}

/**
 * One call of `operations`, its body and answer typed by the generated schema:
 * `call('updateMe', { body: { full_name } })` resolves to a User.
 */
export function call<N extends OperationName>(
  name: N,
  // Optional when nothing in it is required (no body, no path parameter to give).
  ...[options]: Partial<CallOptions<N>> extends CallOptions<N> ? [CallOptions<N>?] : [CallOptions<N>]
): Promise<AnswerOf<N>> {
  const op = operations[name];
  const { body, signal, acceptStatuses } = (options ?? {}) as CallOptions<N>;
  return client.request<AnswerOf<N>>(op.method, url(name, options as Target | undefined), { body, auth: op.auth, signal, acceptStatuses });
}

/**
 * One call of `operations` whose answer is a file (`?format=csv`): fetched through the client, so the access
 * token travels in the Authorization header as on every call, never in a URL.
 */
export function download<N extends OperationName>(
  name: N,
  options: Omit<CallOptions<N>, 'acceptStatuses' | 'body'>,
): Promise<DownloadedFile> {
  const op = operations[name];
  return client.download(op.method, url(name, options as Target), { auth: op.auth, signal: options.signal });
}

/** Does the API answer? (the connectivity banner's "retry"; GET /health, whatever its verdict). */
export function probeApi(): Promise<unknown> {
  return call('health', { acceptStatuses: [503] });
}
