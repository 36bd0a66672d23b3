import { ApiError, NetworkError, SessionExpiredError, problemFromResponse, toProblem } from './problem';
import type { Method } from './operations';
import type { TokenPair } from './types';

type Fetch = typeof fetch;

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface ApiClientOptions {
  /** e.g. "/api/v1" or "https://api.ayni.cl/api/v1" (no trailing slash needed). */
  baseUrl: string;
  fetch?: Fetch;
  /** Abort a request that takes longer than this (ms). */
  timeoutMs?: number;
  /** Called once when a refresh is refused: the session is over. */
  onSessionExpired?: () => void;
  /** Called with false when the API can't be reached, true when it answers again. */
  onConnectivity?: (up: boolean) => void;
  /** Cross-tab lock (navigator.locks) so two tabs never spend the same refresh token. */
  locks?: LockManagerLike | null;
}

export interface RequestOptions {
  body?: unknown;
  /** Send the access token (and refresh + retry once on a 401 invalid_token). */
  auth?: boolean;
  /** Error statuses whose JSON body is still the answer (e.g. 503 from /health). */
  acceptStatuses?: readonly number[];
  signal?: AbortSignal;
  /** How to read a 2xx answer: JSON (the default), or as a file (a CSV download: a DownloadedFile). */
  responseType?: ResponseType;
}

export type ResponseType = 'json' | 'file';

/** A file the API answered (a CSV export), and the name its Content-Disposition gives, if any. */
export interface DownloadedFile {
  blob: Blob;
  filename: string | null;
}

/**
 * One attempt of a request over a transport of the caller's (an upload whose progress fetch cannot report):
 * send to `url` with `token` (null: no Authorization header) and answer what the API answered as a Response.
 * Throws NetworkError when the API cannot be reached.
 */
export type Attempt = (url: string, token: string | null) => Promise<Response>;

export interface ApiClient {
  request<T>(method: Method, path: string, options?: RequestOptions): Promise<T>;
  /**
   * `request` over the caller's transport: the access token, its refresh and the one retry on a 401
   * invalid_token, the connectivity report and the errors are the client's, as for any request.
   */
  requestWith<T>(path: string, attempt: Attempt, options?: Pick<RequestOptions, 'auth' | 'acceptStatuses' | 'responseType'>): Promise<T>;
  /** Silent refresh through the HttpOnly cookie; true when a session is restored. Never signs out. */
  restoreSession(): Promise<boolean>;
  /** Keeps the access token of a fresh sign-in (in memory only). */
  setTokens(pair: TokenPair): void;
  /** Forgets the access token (sign out). Requests in flight will not refresh. */
  clearTokens(): void;
  hasAccessToken(): boolean;
}

const REFRESH_PATH = '/auth/refresh';
const JSON_TYPES = 'application/json, application/problem+json';

/** `attachment; filename="ayni-x.csv"` -> `ayni-x.csv` (the quoted or bare form; null without one). */
export function attachmentName(disposition: string | null): string | null {
  const match = disposition?.match(/filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/** RFC 6750: only an invalid or expired token is worth a refresh. */
export function isInvalidTokenChallenge(res: Response): boolean {
  const challenge = res.headers.get('WWW-Authenticate');
  // A cross-origin API that doesn't expose WWW-Authenticate hides it from us: treat a bare 401
  // to a request that carried a token as an expired token (still at most one retry).
  if (challenge === null) return true;
  return /error\s*=\s*"?invalid_token"?/i.test(challenge);
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15000;
  const locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;

  let accessToken: string | null = null;
  /** Bumped on sign-in and sign-out: a request started in another session never refreshes. */
  let generation = 0;
  let refreshing: Promise<boolean> | null = null;

  function connectivity(up: boolean): void {
    options.onConnectivity?.(up);
  }

  /** An answer reached us: the API is up, unless a gateway in front of it says it is not (502/504, not ours). */
  function answered(res: Response): Response {
    const gatewayDown = (res.status === 502 || res.status === 504) && !(res.headers.get('Content-Type') ?? '').includes('json');
    connectivity(!gatewayDown);
    if (gatewayDown) throw new NetworkError('bad-gateway');
    return res;
  }

  async function send(
    method: Method,
    path: string,
    body: unknown,
    token: string | null,
    signal?: AbortSignal,
    responseType: ResponseType = 'json',
  ): Promise<Response> {
    // Any type for a file; a refusal still comes as problem+json.
    const headers: Record<string, string> = { Accept: responseType === 'json' ? JSON_TYPES : '*/*' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort);
    try {
      const res = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'include',
        signal: controller.signal,
      });
      return answered(res);
    } catch (error) {
      if (error instanceof NetworkError) throw error;
      if (signal?.aborted) throw error;
      connectivity(false);
      throw new NetworkError(timedOut ? 'timeout' : 'offline', error);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** One refresh round trip. true: new tokens; false: refused (session over). Throws when unreachable. */
  async function refreshNow(): Promise<boolean> {
    const startGeneration = generation;
    const res = await send('POST', REFRESH_PATH, undefined, null);
    if (res.ok) {
      const pair = (await res.json()) as TokenPair;
      if (generation === startGeneration) accessToken = pair.access_token;
      return generation === startGeneration;
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) {
      if (generation === startGeneration) accessToken = null;
      return false;
    }
    throw await problemFromResponse(res);
  }

  /** One refresh at a time: callers that arrive while one runs share its result. */
  function refreshOnce(): Promise<boolean> {
    if (!refreshing) {
      const run = locks ? () => locks.request('ayni-auth-refresh', refreshNow) : refreshNow;
      refreshing = run().finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  async function parse<T>(res: Response, responseType: ResponseType = 'json'): Promise<T> {
    if (responseType === 'file') {
      const file: DownloadedFile = { blob: await res.blob(), filename: attachmentName(res.headers.get('Content-Disposition')) };
      return file as T;
    }
    if (res.status === 204 || res.status === 202 || res.headers.get('Content-Length') === '0') {
      // 202/204 may carry a body we don't need; read it only if it is JSON.
      if (!(res.headers.get('Content-Type') ?? '').includes('json')) return undefined as T;
    }
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiError(toProblem(null, 502, 'Unreadable answer from the API', res.headers.get('X-Request-ID')), null);
    }
  }

  /** One request, whatever carries it: `attempt` sends once with a token; a 401 invalid_token refreshes and retries once. */
  async function authorized<T>(attempt: (token: string | null) => Promise<Response>, opts: RequestOptions): Promise<T> {
    const auth = opts.auth ?? false;
    const startGeneration = generation;
    // Wait for a refresh in flight instead of sending a token we know is being replaced.
    if (auth && refreshing) await refreshing.catch(() => undefined);
    const tokenUsed = auth ? accessToken : null;
    let res = await attempt(tokenUsed);

    if (res.status === 401 && auth && tokenUsed !== null && isInvalidTokenChallenge(res)) {
      if (generation !== startGeneration) throw await problemFromResponse(res);
      let ok: boolean;
      if (accessToken !== tokenUsed && accessToken !== null) {
        ok = true; // another request already refreshed while ours was in flight
      } else {
        ok = await refreshOnce();
      }
      if (!ok) {
        if (generation === startGeneration) {
          accessToken = null;
          generation += 1;
          options.onSessionExpired?.();
        }
        throw new SessionExpiredError();
      }
      // Exactly one retry, with the new token. A second 401 is an error, never another refresh.
      res = await attempt(accessToken);
    }

    if (res.ok || opts.acceptStatuses?.includes(res.status)) return parse<T>(res, opts.responseType);
    throw await problemFromResponse(res);
  }

  function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
    return authorized((token) => send(method, path, opts.body, token, opts.signal, opts.responseType), opts);
  }

  /** The caller's transport, its failures reported like fetch's (a caller's abort is no failure of the API). */
  function requestWith<T>(path: string, attempt: Attempt, opts: RequestOptions = {}): Promise<T> {
    const url = `${baseUrl}${path}`;
    return authorized(async (token) => {
      let res: Response;
      try {
        res = await attempt(url, token);
      } catch (error) {
        if (error instanceof NetworkError) connectivity(false);
        throw error;
      }
      return answered(res);
    }, opts);
  }

  return {
    request,
    requestWith,
    async restoreSession() {
      return refreshOnce();
    },
    setTokens(pair) {
      generation += 1;
      accessToken = pair.access_token;
    },
    clearTokens() {
      generation += 1;
      accessToken = null;
    },
    hasAccessToken() {
      return accessToken !== null;
    },
  };
}
