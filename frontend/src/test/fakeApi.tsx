import { render, screen } from '@testing-library/react';
import type userEvent from '@testing-library/user-event';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { vi } from 'vitest';
import { App } from '@/app/App';
import { AppProviders } from '@/app/providers';
import type { Lang } from '@/shared/i18n/i18n';
import { useSession, type Session } from '@/shared/session/SessionProvider';

export interface FakeRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
  auth: string | null;
  /** The query string's parameters. */
  query: URLSearchParams;
  /** A body that is not JSON (a file sent by XMLHttpRequest), with its Content-Type. */
  file?: { body: Blob; contentType: string | null };
}
export type Handler = (req: FakeRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': type, ...headers } });
}
export const noContent = () => new Response(null, { status: 204 });
export const problem = (status: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  json(status, { type: `https://ayni.app/problems/p${status}`, title: `Error ${status}`, status, ...extra }, headers);

export const ana = {
  id: 'u1',
  email: 'ana@tienda.cl',
  full_name: 'Ana Pérez',
  email_verified: true,
  created_at: '2025-11-13T10:00:00Z',
};
export const tokens = (n = 1) => ({ access_token: `access-${n}`, refresh_token: `r-${n}`, token_type: 'bearer', expires_in: 900 });

/** Stubs fetch at the boundary with "METHOD /path" handlers (paths under /api/v1). Unknown: 404. */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: FakeRequest[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const headers = new Headers(init?.headers);
    const req: FakeRequest = {
      method: init?.method ?? 'GET',
      path,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : null,
      auth: headers.get('Authorization'),
      query: url.searchParams,
    };
    calls.push(req);
    const handler = routes[`${req.method} ${path}`];
    return handler ? handler(req) : problem(404);
  });
  vi.stubGlobal('fetch', fetch);
  return { calls, count: (key: string) => calls.filter((c) => `${c.method} ${c.path}` === key).length };
}

/**
 * Stubs XMLHttpRequest (uploads, whose progress fetch cannot report) with the same "METHOD /path" handlers. Each
 * upload reports half of its bytes sent, then waits for `release()` when `hold` is set, then all of them, then the
 * handler's answer. Unknown: 404.
 */
export function fakeXhr(routes: Record<string, Handler>, { hold = false } = {}) {
  const calls: FakeRequest[] = [];
  const waiting: (() => void)[] = [];
  class FakeXMLHttpRequest {
    upload: { onprogress: ((event: Pick<ProgressEvent, 'loaded' | 'total' | 'lengthComputable'>) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    status = 0;
    statusText = '';
    responseText = '';
    private method = 'GET';
    private url = '';
    private aborted = false;
    private readonly headers = new Headers();
    private answerHeaders = new Headers();

    open(method: string, url: string) {
      this.method = method;
      this.url = url;
    }
    setRequestHeader(name: string, value: string) {
      this.headers.set(name, value);
    }
    getAllResponseHeaders() {
      return [...this.answerHeaders].map(([name, value]) => `${name}: ${value}`).join('\r\n');
    }
    abort() {
      this.aborted = true;
      this.onabort?.();
    }
    send(body: Blob) {
      const url = new URL(this.url, 'http://localhost');
      const path = url.pathname.replace(/^\/api\/v1/, '');
      const req: FakeRequest = {
        method: this.method,
        path,
        body: null,
        auth: this.headers.get('Authorization'),
        query: url.searchParams,
        file: { body, contentType: this.headers.get('Content-Type') },
      };
      calls.push(req);
      const progress = (loaded: number) => this.upload.onprogress?.({ loaded, total: body.size, lengthComputable: true });
      void (async () => {
        await Promise.resolve();
        progress(Math.floor(body.size / 2));
        if (hold) await new Promise<void>((resolve) => waiting.push(resolve));
        if (this.aborted) return;
        progress(body.size);
        const handler = routes[`${req.method} ${path}`];
        const res = await (handler ? handler(req) : problem(404));
        this.status = res.status;
        this.statusText = res.statusText;
        this.responseText = await res.text();
        this.answerHeaders = res.headers;
        this.onload?.();
      })();
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXMLHttpRequest);
  return {
    calls,
    /** Lets the uploads held at half way go on. */
    release: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}

/** Routes of a signed-in session (cookie refresh works, /me answers). */
export function signedInRoutes(user = ana): Record<string, Handler> {
  return {
    'POST /auth/refresh': () => json(200, tokens(2)),
    'GET /auth/me': () => json(200, user),
    'POST /auth/logout': () => noContent(),
    'GET /companies': () => json(200, { items: [] }),
  };
}
export const signedOutRoutes: Record<string, Handler> = {
  'POST /auth/refresh': () => problem(401),
};

export function renderApp(path: string, lang: Lang = 'en') {
  window.history.pushState({}, '', path);
  return render(<App lang={lang} />);
}

/** One page or component inside the app's providers (language, query cache, router, session). */
export function renderWithProviders(ui: ReactNode, lang: Lang = 'en') {
  return render(<AppProviders lang={lang}>{ui}</AppProviders>);
}

/** What a test may look at behind the screen: the query cache and the session, as components see them. */
export interface Seen {
  queryClient?: QueryClient;
  session?: Session;
}
export function Peek({ into }: { into: Seen }) {
  const queryClient = useQueryClient();
  const session = useSession();
  useEffect(() => {
    Object.assign(into, { queryClient, session });
  });
  return null;
}

/** Fills the sign-in form as a person would and presses the button. */
export async function signIn(user: ReturnType<typeof userEvent.setup>, password = 'x') {
  await screen.findByRole('heading', { name: 'Sign in to Ayni' });
  await user.type(screen.getByLabelText('Email'), 'ana@tienda.cl');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

/** One of the caller's companies as `GET /companies` and `POST /invitations/accept` answer it. */
export function myCompany(overrides: Partial<{ id: string; name: string; rut: string | null; role: string; is_demo: boolean }> = {}) {
  return {
    id: 'c1',
    name: 'Tienda Sur',
    rut: null as string | null,
    industry: 'grocery',
    country: 'CL',
    timezone: 'America/Santiago',
    currency: 'CLP',
    benchmarking_opt_in: true,
    is_demo: false,
    created_at: '2026-11-30T10:00:00Z',
    updated_at: '2026-11-30T10:00:00Z',
    role: 'analyst',
    ...overrides,
  };
}
