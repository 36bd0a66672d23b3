import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ana, fakeApi, json, Peek, problem, renderApp, renderWithProviders, signedInRoutes, tokens, type Seen, signIn } from '@/test/fakeApi';
import { meKey } from './me';


describe('session', () => {
  it('a reload with the refresh cookie keeps the user signed in', async () => {
    const api = fakeApi(signedInRoutes());
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Hello, Ana Pérez' })).toBeTruthy();
    expect(api.count('POST /auth/refresh')).toBe(1);
    expect(api.calls.find((c) => c.path === '/auth/me')?.auth).toBe('Bearer access-2');
    expect(screen.getByRole('link', { name: 'My account' })).toBeTruthy();
  });

  it('without a session, a signed-in page sends to sign in, then back', async () => {
    let signedIn = false;
    fakeApi({
      'POST /auth/refresh': () => problem(401),
      'POST /auth/login': () => {
        signedIn = true;
        return json(200, tokens(1));
      },
      'GET /auth/me': (req) => (signedIn && req.auth === 'Bearer access-1' ? json(200, ana) : problem(401)),
    });
    renderApp('/account');
    const user = userEvent.setup();
    await signIn(user, 'secret-password');
    expect(await screen.findByRole('heading', { name: 'My account' })).toBeTruthy();
  });

  it('an expired access token is refreshed silently', async () => {
    let valid = 'access-2';
    let n = 1;
    const api = fakeApi({
      'POST /auth/refresh': () => {
        n += 1;
        valid = `access-${n}`;
        return json(200, tokens(n));
      },
      'GET /auth/me': (req) =>
        req.auth === `Bearer ${valid}` ? json(200, ana) : problem(401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
      'GET /companies': () => json(200, { items: [] }),
    });
    renderApp('/');
    await screen.findByRole('heading', { name: 'Hello, Ana Pérez' });
    await waitFor(() => expect(api.count('GET /auth/me')).toBe(2)); // boot + the new company's page, where home sent Ana
    valid = 'expired-for-everyone'; // the server now rejects access-2
    n = 2;
    await userEvent.setup().click(screen.getByRole('link', { name: 'My account' }));
    expect(await screen.findByRole('heading', { name: 'My account' })).toBeTruthy();
    await waitFor(() => expect(api.calls.at(-1)?.auth).toBe('Bearer access-3'));
    expect(api.calls.slice(-3).map((c) => `${c.method} ${c.path} ${c.auth}`)).toEqual([
      'GET /auth/me Bearer access-2',
      'POST /auth/refresh null',
      'GET /auth/me Bearer access-3',
    ]);
  });

  it('a refused refresh signs out to the sign-in page with a message', async () => {
    let refreshes = 0;
    fakeApi({
      'POST /auth/refresh': () => (++refreshes === 1 ? json(200, tokens(1)) : problem(401)),
      'GET /auth/me': (req) =>
        refreshes === 1 && req.auth === 'Bearer access-1' && meCalls++ === 0
          ? json(200, ana)
          : problem(401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
      'GET /companies': () => json(200, { items: [] }),
    });
    let meCalls = 0;
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
    expect(screen.getByText('Your session ended. Please sign in again.')).toBeTruthy();
  });
});


describe('the session and the query cache', () => {
  it('the user is the cached `me`; signing out clears the whole cache', async () => {
    fakeApi(signedInRoutes());
    const seen: Seen = {};
    renderWithProviders(<Peek into={seen} />);
    await waitFor(() => expect(seen.session?.status).toBe('signedIn'));
    expect(seen.queryClient?.getQueryData(meKey)).toEqual(ana);
    expect(seen.session?.user).toEqual(ana);
    await act(() => seen.session!.signOut());
    expect(seen.session?.status).toBe('signedOut');
    expect(seen.session?.user).toBeNull();
    // Nothing of the user is left (the session's own observer may keep an empty, never-fetched entry).
    expect(seen.queryClient?.getQueryCache().getAll().filter((q) => q.state.data !== undefined)).toEqual([]);
    expect(seen.queryClient?.getQueryData(meKey)).toBeUndefined();
  });
});
