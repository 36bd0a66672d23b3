import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { apiBaseUrl } from './api/api';
import { AuthProvider } from './auth/AuthContext';
import { I18nProvider } from './i18n/i18n';
import { Status } from './pages/Status';
import { ana, fakeApi, json, noContent, problem, renderApp, signedInRoutes, signedOutRoutes } from './test/fakeApi';

const healthy = {
  status: 'healthy',
  timestamp: '2025-11-13T10:00:00Z',
  services: { database: 'healthy', redis: 'healthy', worker: 'healthy' },
};

describe('account', () => {
  it('changes the full name with PATCH /me', async () => {
    const api = fakeApi({
      ...signedInRoutes(),
      'PATCH /auth/me': (req) => json(200, { ...ana, full_name: req.body?.full_name }),
    });
    renderApp('/account');
    const user = userEvent.setup();
    const name = await screen.findByLabelText('Full name');
    await user.clear(name);
    await user.tab();
    expect(screen.getByText('This field is required.')).toBeTruthy();
    await user.type(name, 'Ana María Pérez');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ full_name: 'Ana María Pérez' });
    expect(api.calls.find((c) => c.method === 'PATCH')?.auth).toBe('Bearer access-2');
  });

  it('changes the password', async () => {
    const api = fakeApi({
      ...signedInRoutes(),
      'POST /auth/password': (req) =>
        req.body?.current_password === 'wrong'
          ? problem(422, { errors: [{ field: 'current_password', message: 'Incorrect password', code: 'password-incorrect' }] })
          : noContent(),
    });
    renderApp('/account');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Current password'), 'wrong');
    await user.type(screen.getByLabelText('New password'), 'wrong');
    await user.tab();
    expect(screen.getByText('The password must have at least 8 characters.')).toBeTruthy();
    await user.clear(screen.getByLabelText('New password'));
    await user.type(screen.getByLabelText('New password'), 'a-much-better-one');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The current password is not correct.')).toBeTruthy();
    await user.clear(screen.getByLabelText('Current password'));
    await user.type(screen.getByLabelText('Current password'), 'a-much-better-one');
    await user.tab();
    expect(screen.getByText('The new password must differ from the current one.')).toBeTruthy();
    await user.clear(screen.getByLabelText('Current password'));
    await user.type(screen.getByLabelText('Current password'), 'the-old-one');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Password changed. We signed out your other sessions.')).toBeTruthy();
    expect(api.count('POST /auth/password')).toBe(2);
  });

  it('signs out', async () => {
    const api = fakeApi(signedInRoutes());
    renderApp('/account');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('You signed out.')).toBeTruthy();
    expect(api.count('POST /auth/logout')).toBe(1);
  });

  it('signs out everywhere', async () => {
    const api = fakeApi({ ...signedInRoutes(), 'POST /auth/logout-all': () => noContent(), 'POST /auth/logout': () => problem(401) });
    renderApp('/account');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Sign out on every device' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/auth/logout-all')?.auth).toBe('Bearer access-2');
  });

  it('stays signed in and says so when signing out everywhere fails', async () => {
    fakeApi({ ...signedInRoutes(), 'POST /auth/logout-all': () => problem(500, { instance: 'req-55' }) });
    renderApp('/account');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Sign out on every device' }));
    expect(await screen.findByText(/req-55/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'My account' })).toBeTruthy();
  });

  it('a signed-in user opening sign in goes home; an unverified one is reminded', async () => {
    fakeApi(signedInRoutes({ ...ana, full_name: null as unknown as string, email_verified: false }));
    renderApp('/sign-in');
    expect(await screen.findByRole('heading', { name: 'Hello' })).toBeTruthy();
    expect(screen.getByText('Your email is not confirmed yet.')).toBeTruthy();
  });
});

describe('status page', () => {
  function renderStatus(intervalMs = 60_000) {
    return render(
      <I18nProvider initial="en">
        <MemoryRouter>
          <AuthProvider>
            <Status intervalMs={intervalMs} />
          </AuthProvider>
        </MemoryRouter>
      </I18nProvider>,
    );
  }

  it('shows each service and the server timestamp, and refreshes itself', async () => {
    let n = 0;
    fakeApi({
      ...signedOutRoutes,
      'GET /health': () =>
        ++n === 1
          ? json(200, healthy)
          : json(503, { ...healthy, status: 'unhealthy', services: { database: 'unhealthy', redis: 'healthy', worker: 'degraded', search: 'odd' } }),
    });
    renderStatus(50);
    expect(await screen.findByText('Database')).toBeTruthy();
    expect(screen.getByTestId('overall-status').textContent).toBe('Operational');
    expect(screen.getByText(/Measured by the server:/)).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('overall-status').textContent).toBe('Failing'));
    expect(screen.getByText('search')).toBeTruthy();
    expect(screen.getByText('Unknown')).toBeTruthy();
    expect(screen.getByText('Degraded')).toBeTruthy();
  });

  it('shows the API-down banner and recovers with retry', async () => {
    let down = true;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        if (down) throw new TypeError('Failed to fetch');
        return String(input).endsWith('/health') ? json(200, healthy) : problem(401);
      }),
    );
    renderApp('/status');
    expect(await screen.findByText('We cannot reach the Ayni server. It may be down or slow.')).toBeTruthy();
    // The banner and the page's own message come from two requests that fail independently.
    expect(await screen.findByText('We could not reach Ayni. Check your connection and try again.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'System status' })).toBeTruthy();
    down = false;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByText('We cannot reach the Ayni server. It may be down or slow.')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('overall-status').textContent).toBe('Operational'));
  });

  it('refreshes on demand', async () => {
    const api = fakeApi({ ...signedOutRoutes, 'GET /health': () => json(200, healthy) });
    renderStatus();
    await screen.findByTestId('overall-status');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Refresh now' }));
    await waitFor(() => expect(api.count('GET /health')).toBe(2));
  });
});

describe('app shell', () => {
  it('renders a real 404 page for unknown routes', async () => {
    fakeApi(signedOutRoutes);
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeTruthy();
    expect(screen.getByText(/There is nothing at \/no\/such\/page/)).toBeTruthy();
    expect(document.title).toBe('Page not found · Ayni');
  });

  it('speaks Spanish (Chile) and switches to English, remembering the choice', async () => {
    fakeApi(signedOutRoutes);
    const view = renderApp('/sign-in', 'es');
    expect(await screen.findByRole('heading', { name: 'Ingresa a Ayni' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('es-CL');
    await userEvent.setup().click(screen.getByRole('button', { name: /EN/ }));
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
    expect(localStorage.getItem('ayni.lang')).toBe('en');
    view.unmount();
    window.history.pushState({}, '', '/sign-in');
    const { App } = await import('./App');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
  });

  it('keeps the public pages usable when the API is down at load', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
    expect(await screen.findByText('We cannot reach the Ayni server. It may be down or slow.')).toBeTruthy();
  });

  it('restores the session when the API comes back and the user retries', async () => {
    let down = true;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        if (down) throw new TypeError('Failed to fetch');
        const url = String(input);
        if (url.endsWith('/auth/refresh')) return json(200, { access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 900 });
        if (url.endsWith('/auth/me')) return json(200, ana);
        return json(200, healthy);
      }),
    );
    renderApp('/');
    await screen.findByRole('heading', { name: 'Sign in to Ayni' });
    down = false;
    await act(async () => {
      await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    });
    expect(await screen.findByRole('heading', { name: 'Hello, Ana Pérez' })).toBeTruthy();
  });

  it('takes the API base URL from VITE_API_URL, default same origin', () => {
    expect(apiBaseUrl({})).toBe('/api/v1');
    expect(apiBaseUrl({ VITE_API_URL: 'https://api.ayni.cl/api/v1/' })).toBe('https://api.ayni.cl/api/v1');
    expect(apiBaseUrl({ VITE_API_URL: '  ' })).toBe('/api/v1');
    expect(apiBaseUrl({ VITE_API_URL: '/ayni/api/v1' })).toBe('/ayni/api/v1');
    // An origin alone (as a deployment guide may write it) means the API's usual path there.
    expect(apiBaseUrl({ VITE_API_URL: 'https://api.ayni.cl/' })).toBe('https://api.ayni.cl/api/v1');
    expect(apiBaseUrl({ VITE_API_URL: 'http://127.0.0.1:8000' })).toBe('http://127.0.0.1:8000/api/v1');
  });
});
