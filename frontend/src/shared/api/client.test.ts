// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { attachmentName, createApiClient, isInvalidTokenChallenge, type DownloadedFile } from './client';
import { ApiError, NetworkError, SessionExpiredError } from './problem';

const pair = (n: number) => ({ access_token: `access-${n}`, refresh_token: `r-${n}`, token_type: 'bearer', expires_in: 900 });

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type, ...headers } });
}
const expired = () =>
  json(401, { type: 'https://ayni.app/problems/invalid-token', title: 'Unauthorized', status: 401 }, {
    'WWW-Authenticate': 'Bearer error="invalid_token", error_description="expired"',
  });

interface Call {
  url: string;
  method: string;
  auth: string | null;
  body: string | null;
  credentials: RequestCredentials | undefined;
}

/** A fake API at the fetch boundary: the handler sees each request and answers it. */
function fakeFetch(handler: (call: Call, n: number) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      auth: headers.get('Authorization'),
      body: typeof init?.body === 'string' ? init.body : null,
      credentials: init?.credentials,
    };
    calls.push(call);
    return handler(call, calls.length);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

/** A server where `valid` is the only good access token and refresh hands out the next one. */
function tokenServer(opts: { refreshOk?: boolean; delayMs?: number } = {}) {
  let n = 1;
  let valid = 'access-1';
  return fakeFetch(async (call) => {
    if (call.url.endsWith('/auth/refresh')) {
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (opts.refreshOk === false) return json(401, { type: 'x/invalid-token', title: 'no', status: 401 });
      n += 1;
      valid = `access-${n}`;
      return json(200, pair(n));
    }
    if (call.auth !== `Bearer ${valid}`) return expired();
    return json(200, { ok: call.url });
  });
}

describe('api client', () => {
  it('sends JSON with credentials to the base URL and the bearer token when asked', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { id: 1 }));
    const api = createApiClient({ baseUrl: 'https://api.test/api/v1/', fetch, locks: null });
    api.setTokens(pair(1) as never);
    expect(await api.request('POST', '/things', { body: { a: 1 }, auth: true })).toEqual({ id: 1 });
    expect(calls[0]).toMatchObject({
      url: 'https://api.test/api/v1/things',
      method: 'POST',
      auth: 'Bearer access-1',
      body: '{"a":1}',
      credentials: 'include',
    });
    await api.request('GET', '/public');
    expect(calls[1]?.auth).toBeNull();
  });

  it('refreshes once on 401 invalid_token and retries the request once', async () => {
    const server = tokenServer();
    const api = createApiClient({ baseUrl: '/api/v1', fetch: server.fetch, locks: null });
    api.setTokens({ ...pair(0), access_token: 'stale' } as never);
    expect(await api.request('GET', '/auth/me', { auth: true })).toEqual({ ok: '/api/v1/auth/me' });
    expect(server.calls.map((c) => `${c.method} ${c.url} ${c.auth}`)).toEqual([
      'GET /api/v1/auth/me Bearer stale',
      'POST /api/v1/auth/refresh null',
      'GET /api/v1/auth/me Bearer access-2',
    ]);
    expect(server.calls[1]?.body).toBeNull(); // the refresh token travels in the HttpOnly cookie
    expect(server.calls[1]?.credentials).toBe('include');
  });

  it('lets concurrent requests share one refresh, each retrying once', async () => {
    const server = tokenServer({ delayMs: 20 });
    const api = createApiClient({ baseUrl: '/api/v1', fetch: server.fetch, locks: null });
    api.setTokens({ ...pair(0), access_token: 'stale' } as never);
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => api.request('GET', `/r${i}`, { auth: true })));
    expect(results).toHaveLength(5);
    const refreshes = server.calls.filter((c) => c.url.endsWith('/auth/refresh'));
    expect(refreshes).toHaveLength(1);
    for (const i of [1, 2, 3, 4, 5]) {
      expect(server.calls.filter((c) => c.url.endsWith(`/r${i}`)).map((c) => c.auth)).toEqual(['Bearer stale', 'Bearer access-2']);
    }
  });

  it('a request answered 401 after another one refreshed retries with the new token, no second refresh', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let refreshed = false;
    const { fetch, calls } = fakeFetch(async (call) => {
      if (call.url.endsWith('/auth/refresh')) {
        refreshed = true;
        return json(200, pair(2));
      }
      if (call.url.endsWith('/slow') && call.auth === 'Bearer stale') {
        await gate; // answered only after the other request refreshed
        return expired();
      }
      return call.auth === 'Bearer access-2' ? json(200, {}) : expired();
    });
    const api = createApiClient({ baseUrl: '', fetch, locks: null });
    api.setTokens({ ...pair(0), access_token: 'stale' } as never);
    const slow = api.request('GET', '/slow', { auth: true });
    await api.request('GET', '/fast', { auth: true });
    expect(refreshed).toBe(true);
    release();
    await slow;
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(calls.filter((c) => c.url === '/slow').map((c) => c.auth)).toEqual(['Bearer stale', 'Bearer access-2']);
  });

  it('never retries twice: a second 401 is an error, not another refresh', async () => {
    const { fetch, calls } = fakeFetch((call) => (call.url.endsWith('/auth/refresh') ? json(200, pair(2)) : expired()));
    const onSessionExpired = vi.fn();
    const api = createApiClient({ baseUrl: '', fetch, locks: null, onSessionExpired });
    api.setTokens(pair(1) as never);
    await expect(api.request('GET', '/x', { auth: true })).rejects.toBeInstanceOf(ApiError);
    expect(calls.map((c) => c.url)).toEqual(['/x', '/auth/refresh', '/x']);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('signs out once when the refresh is refused, however many requests wait', async () => {
    const server = tokenServer({ refreshOk: false, delayMs: 5 });
    const onSessionExpired = vi.fn();
    const api = createApiClient({ baseUrl: '', fetch: server.fetch, locks: null, onSessionExpired });
    api.setTokens({ ...pair(0), access_token: 'stale' } as never);
    const results = await Promise.allSettled([1, 2, 3].map((i) => api.request('GET', `/r${i}`, { auth: true })));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SessionExpiredError);
    }
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    expect(server.calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(api.hasAccessToken()).toBe(false);
  });

  it('does not refresh for a 401 that is not invalid_token, nor for unauthenticated calls', async () => {
    const { fetch, calls } = fakeFetch(() =>
      json(401, { type: 'https://ayni.app/problems/invalid-credentials', title: 'Unauthorized', status: 401, detail: 'Wrong email or password' }, {
        'WWW-Authenticate': 'Bearer realm="ayni"',
      }),
    );
    const api = createApiClient({ baseUrl: '', fetch, locks: null });
    api.setTokens(pair(1) as never);
    await expect(api.request('GET', '/me', { auth: true })).rejects.toMatchObject({ status: 401 });
    const error = await api.request('POST', '/auth/login', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).slug).toBe('invalid-credentials');
    expect((error as ApiError).message).toBe('Wrong email or password');
    expect(calls.some((c) => c.url.endsWith('/auth/refresh'))).toBe(false);
  });

  it('treats a 401 whose WWW-Authenticate is hidden (CORS) as an expired token', () => {
    expect(isInvalidTokenChallenge(new Response(null, { status: 401 }))).toBe(true);
    expect(isInvalidTokenChallenge(new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error=invalid_token' } }))).toBe(true);
    expect(isInvalidTokenChallenge(new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' } }))).toBe(false);
  });

  it('a request from a session that has since signed out does not refresh', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { fetch, calls } = fakeFetch(async () => {
      await gate;
      return expired();
    });
    const onSessionExpired = vi.fn();
    const api = createApiClient({ baseUrl: '', fetch, locks: null, onSessionExpired });
    api.setTokens(pair(1) as never);
    const pending = api.request('GET', '/me', { auth: true });
    api.clearTokens();
    release();
    await expect(pending).rejects.toBeInstanceOf(ApiError);
    expect(calls).toHaveLength(1);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('restoreSession: true with a cookie session, false without; never calls the sign-out hook', async () => {
    const onSessionExpired = vi.fn();
    const ok = createApiClient({ baseUrl: '', fetch: fakeFetch(() => json(200, pair(7))).fetch, locks: null, onSessionExpired });
    expect(await ok.restoreSession()).toBe(true);
    expect(ok.hasAccessToken()).toBe(true);
    const no = createApiClient({ baseUrl: '', fetch: fakeFetch(() => json(401, { status: 401, title: 'x', type: 'x' })).fetch, locks: null, onSessionExpired });
    expect(await no.restoreSession()).toBe(false);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('restoreSession: a server error or 429 is thrown, not taken as signed out', async () => {
    const api = createApiClient({ baseUrl: '', fetch: fakeFetch(() => json(500, { title: 'x', status: 500, type: 'x', instance: 'req-1' })).fetch, locks: null });
    await expect(api.restoreSession()).rejects.toMatchObject({ status: 500 });
  });

  it('takes the cross-tab lock around a refresh when one is available', async () => {
    const names: string[] = [];
    const locks = {
      request: <T,>(name: string, cb: () => Promise<T>) => {
        names.push(name);
        return cb();
      },
    };
    const api = createApiClient({ baseUrl: '', fetch: fakeFetch(() => json(200, pair(3))).fetch, locks });
    expect(await api.restoreSession()).toBe(true);
    expect(names).toEqual(['ayni-auth-refresh']);
  });

  it('a sign-in during a refresh wins over the refreshed token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { fetch, calls } = fakeFetch(async (call) => {
      if (call.url.endsWith('/auth/refresh')) {
        await gate;
        return json(200, pair(9));
      }
      return json(200, {});
    });
    const api = createApiClient({ baseUrl: '', fetch, locks: null });
    const restoring = api.restoreSession();
    api.setTokens(pair(5) as never);
    release();
    expect(await restoring).toBe(false);
    await api.request('GET', '/me', { auth: true });
    expect(calls.at(-1)?.auth).toBe('Bearer access-5');
  });

  it('reports the API down on network errors and timeouts, and up again when it answers', async () => {
    const states: boolean[] = [];
    let mode: 'down' | 'hang' | 'up' | 'gateway' = 'down';
    const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      if (mode === 'down') throw new TypeError('Failed to fetch');
      if (mode === 'gateway') return new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } });
      if (mode === 'hang') {
        return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
      }
      return json(200, {});
    }) as typeof globalThis.fetch;
    const api = createApiClient({ baseUrl: '', fetch, timeoutMs: 20, locks: null, onConnectivity: (up) => states.push(up) });
    await expect(api.request('GET', '/a')).rejects.toMatchObject({ kind: 'offline' });
    mode = 'hang';
    await expect(api.request('GET', '/a')).rejects.toMatchObject({ kind: 'timeout' });
    mode = 'gateway';
    await expect(api.request('GET', '/a')).rejects.toBeInstanceOf(NetworkError);
    mode = 'up';
    await api.request('GET', '/a');
    expect(states).toEqual([false, false, false, true]);
  });

  it('passes a caller abort through without calling the API down', async () => {
    const states: boolean[] = [];
    const fetch = ((_i: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof globalThis.fetch;
    const api = createApiClient({ baseUrl: '', fetch, locks: null, onConnectivity: (up) => states.push(up) });
    const c = new AbortController();
    const p = api.request('GET', '/a', { signal: c.signal });
    c.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(states).toEqual([]);
  });

  it('returns the body of accepted error statuses and nothing for 204/202', async () => {
    const { fetch } = fakeFetch((call) => {
      if (call.url === '/health') return json(503, { status: 'unhealthy' });
      if (call.url === '/empty') return new Response(null, { status: 204 });
      if (call.url === '/accepted') return new Response('', { status: 202 });
      return new Response('not json', { status: 200, headers: { 'Content-Type': 'text/html', 'X-Request-ID': 'req-9' } });
    });
    const api = createApiClient({ baseUrl: '', fetch, locks: null });
    expect(await api.request('GET', '/health', { acceptStatuses: [503] })).toEqual({ status: 'unhealthy' });
    expect(await api.request('POST', '/empty')).toBeUndefined();
    expect(await api.request('POST', '/accepted')).toBeUndefined();
    await expect(api.request('GET', '/html')).rejects.toMatchObject({ problem: { instance: 'req-9' } });
  });

  it('uses the global fetch by default', async () => {
    const spy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(json(200, { hi: 1 }));
    const api = createApiClient({ baseUrl: '/api/v1', locks: null });
    expect(await api.request('GET', '/x')).toEqual({ hi: 1 });
    expect(spy).toHaveBeenCalledOnce();
  });

  it('downloads a file with the bearer token in a header, refreshing like any call, and reads its name', async () => {
    const server = tokenServer();
    const csv = fakeFetch(async (call, n) => {
      if (n <= 2) return server.fetch(call.url, { method: call.method, headers: call.auth ? { Authorization: call.auth } : {} });
      return new Response('period_start,value,previous\n2026-11-01,10,\n', {
        headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="ayni-revenue-2026-11-01-2026-11-30.csv"' },
      });
    });
    const api = createApiClient({ baseUrl: '/api/v1', fetch: csv.fetch, locks: null });
    api.setTokens({ ...pair(0), access_token: 'stale' } as never);
    const file = await api.request<DownloadedFile>('GET', '/x?format=csv', { auth: true, responseType: 'file' });
    expect(file.filename).toBe('ayni-revenue-2026-11-01-2026-11-30.csv');
    expect(await file.blob.text()).toBe('period_start,value,previous\n2026-11-01,10,\n');
    expect(csv.calls.map((c) => `${c.method} ${c.url} ${c.auth}`)).toEqual([
      'GET /api/v1/x?format=csv Bearer stale',
      'POST /api/v1/auth/refresh null',
      'GET /api/v1/x?format=csv Bearer access-2',
    ]);
  });

  it('a refused download is an ApiError from its problem+json', async () => {
    const { fetch } = fakeFetch(() => json(403, { type: 'https://ayni.app/problems/forbidden', title: 'Forbidden', status: 403 }));
    const api = createApiClient({ baseUrl: '', fetch, locks: null });
    const error = await api.request('GET', '/x?format=csv', { responseType: 'file' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).slug).toBe('forbidden');
  });

  it('reads the file name of a Content-Disposition, quoted or not', () => {
    expect(attachmentName('attachment; filename="a b.csv"')).toBe('a b.csv');
    expect(attachmentName('attachment; filename=plain.csv; size=3')).toBe('plain.csv');
    expect(attachmentName('attachment')).toBeNull();
    expect(attachmentName(null)).toBeNull();
  });

  it('answers a file when asked, with a fitting Accept', async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.url === '/rejected.csv' ? new Response('Fila,Motivo\n2,x\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }) : json(200, {}),
    );
    const accepts: (string | null)[] = [];
    const api = createApiClient({
      baseUrl: '',
      fetch: (input, init) => {
        accepts.push(new Headers(init?.headers).get('Accept'));
        return fetch(input, init);
      },
      locks: null,
    });
    const file = await api.request<DownloadedFile>('GET', '/rejected.csv', { responseType: 'file' });
    expect(await file.blob.text()).toBe('Fila,Motivo\n2,x\n');
    expect(file.filename).toBeNull();
    await api.request('GET', '/answer');
    expect(accepts).toEqual(['*/*', 'application/json, application/problem+json']);
    expect(calls).toHaveLength(2);
  });
});

describe('api client over a transport of the caller (requestWith)', () => {
  /** A transport that answers as the token server does, recording the URL and token of each attempt. */
  function transport(server: ReturnType<typeof tokenServer>) {
    const attempts: { url: string; token: string | null }[] = [];
    const attempt = async (url: string, token: string | null) => {
      attempts.push({ url, token });
      return server.fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    };
    return { attempt, attempts };
  }

  it('sends to the base URL with the token, refreshes on 401 invalid_token and retries once', async () => {
    const server = tokenServer();
    const api = createApiClient({ baseUrl: '/api/v1', fetch: server.fetch, locks: null });
    api.setTokens({ ...pair(0), access_token: 'stale' } as never);
    const { attempt, attempts } = transport(server);
    expect(await api.requestWith('/uploads', attempt, { auth: true })).toEqual({ ok: '/api/v1/uploads' });
    expect(attempts).toEqual([
      { url: '/api/v1/uploads', token: 'stale' },
      { url: '/api/v1/uploads', token: 'access-2' },
    ]);
  });

  it('reads an error answer as a problem, and reports the API down on a NetworkError, up on an answer', async () => {
    const states: boolean[] = [];
    const api = createApiClient({ baseUrl: '', fetch: tokenServer().fetch, locks: null, onConnectivity: (up) => states.push(up) });
    const refused = async () => json(413, { type: 'https://ayni.app/problems/body-too-large', title: 'Too large', status: 413 });
    await expect(api.requestWith('/u', refused)).rejects.toMatchObject({ status: 413, slug: 'body-too-large' });
    await expect(api.requestWith('/u', async () => Promise.reject(new NetworkError('offline')))).rejects.toBeInstanceOf(NetworkError);
    const gateway = async () => new Response('<html>', { status: 502, headers: { 'Content-Type': 'text/html' } });
    await expect(api.requestWith('/u', gateway)).rejects.toMatchObject({ kind: 'bad-gateway' });
    const abort = async () => Promise.reject(new DOMException('cancelled', 'AbortError'));
    await expect(api.requestWith('/u', abort)).rejects.toMatchObject({ name: 'AbortError' });
    expect(states).toEqual([true, false, false]);
  });
});

