import { createApiClient, type ApiClient, type DownloadedFile } from './client';
import { connectivity } from './connectivity';
import { xhrAttempt } from './xhr';
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

type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

/** `?a=1&b=x&b=y` from a query's values (arrays repeat their name; null and undefined are left out); "" when none. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The URL of one operation under the API base URL: its path holes filled, its query appended. */
export function operationPath(name: OperationName, params?: Record<string, string>, query?: Record<string, QueryValue>): string {
  return fillPath(operations[name].path, params) + queryString(query);
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

/** The options of any call, as the functions below read them once the compiler has checked them. */
interface UntypedCallOptions {
  body?: unknown;
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  acceptStatuses?: number[];
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
  const { body, params, query, signal, acceptStatuses } = (options ?? {}) as UntypedCallOptions;
  return client.request<AnswerOf<N>>(op.method, operationPath(name, params, query), { body, auth: op.auth, signal, acceptStatuses });
}

/**
 * The file an operation answers (a CSV), as a Blob, fetched with the session's token like any call: a download
 * link with the token in its URL would leak it to logs and history.
 */
export function download<N extends OperationName>(
  name: N,
  ...[options]: Partial<CallOptions<N>> extends CallOptions<N> ? [CallOptions<N>?] : [CallOptions<N>]
): Promise<DownloadedFile> {
  const op = operations[name];
  const { params, query, signal } = (options ?? {}) as UntypedCallOptions;
  return client.request<DownloadedFile>(op.method, operationPath(name, params, query), {
    auth: op.auth,
    signal,
    responseType: 'file',
  });
}

export interface UploadOptions {
  /** The body's media type, which the API reads the file by. */
  contentType: string;
  /** Bytes sent so far, of the whole file (a progress bar). */
  onProgress?: (sent: number, total: number) => void;
}

/**
 * A call whose body is a file, sent over XMLHttpRequest so that its progress shows; the token, the refresh, the
 * errors and the answer are the client's, as for `call`.
 */
export function upload<N extends OperationName>(
  name: N,
  file: Blob,
  { contentType, onProgress, ...options }: CallOptions<N> & UploadOptions,
): Promise<AnswerOf<N>> {
  const op = operations[name];
  const { params, query, signal, acceptStatuses } = options as UntypedCallOptions;
  const attempt = xhrAttempt({ method: op.method, body: file, contentType, onProgress, signal });
  return client.requestWith<AnswerOf<N>>(operationPath(name, params, query), attempt, { auth: op.auth, acceptStatuses });
}

/** Does the API answer? (the connectivity banner's "retry"; GET /health, whatever its verdict). */
export function probeApi(): Promise<unknown> {
  return call('health', { acceptStatuses: [503] });
}
