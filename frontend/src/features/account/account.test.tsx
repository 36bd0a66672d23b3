import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { User } from '@/shared/api/types';
import { meKey } from '@/shared/session/me';
import { ana, fakeApi, json, noContent, Peek, problem, renderApp, renderWithProviders, signedInRoutes, type Seen } from '@/test/fakeApi';
import { Account } from './pages/Account';

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
});

describe('account and the cache', () => {
  it('the saved profile becomes the cached user, without another GET /me', async () => {
    const api = fakeApi({
      ...signedInRoutes(),
      'PATCH /auth/me': (req) => json(200, { ...ana, full_name: req.body?.full_name }),
    });
    const seen: Seen = {};
    renderWithProviders(
      <>
        <Peek into={seen} />
        <Account />
      </>,
    );
    const user = userEvent.setup();
    const name = await screen.findByLabelText('Full name');
    await waitFor(() => expect(api.count('GET /auth/me')).toBe(2)); // the session's, then the page's
    await user.clear(name);
    await user.type(name, 'Ana María');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(seen.queryClient?.getQueryData<User>(meKey)?.full_name).toBe('Ana María');
    expect(seen.session?.user?.full_name).toBe('Ana María');
    expect(api.count('GET /auth/me')).toBe(2);
  });
});
