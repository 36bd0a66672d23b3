import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ana, fakeApi, json, noContent, problem, renderApp, signedInRoutes, signedOutRoutes, signIn } from '@/test/fakeApi';


describe('sign in form', () => {
  it('validates as the user types and focuses the first bad field on submit', async () => {
    const api = fakeApi(signedOutRoutes);
    renderApp('/sign-in');
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Sign in to Ayni' });
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const email = screen.getByLabelText('Email');
    expect(document.activeElement).toBe(email);
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByText('This field is required.')).toHaveLength(2);
    expect(screen.getByRole('alert').textContent).toContain('Check the highlighted fields.');
    await user.type(email, 'ana@');
    expect(screen.getByText('Enter a valid email, for example name@company.com.')).toBeTruthy();
    await user.type(email, 'tienda.cl');
    expect(screen.queryByText('Enter a valid email, for example name@company.com.')).toBeNull();
    expect(api.count('POST /auth/login')).toBe(0);
  });

  it('shows the API field errors next to the field and the problem otherwise, in its own words', async () => {
    let answer = 0;
    fakeApi({
      ...signedOutRoutes,
      'POST /auth/login': () =>
        ++answer === 1
          ? problem(422, { errors: [{ field: 'body.email', message: 'Unknown domain', code: 'invalid-value' }] })
          : problem(401, { type: 'https://ayni.app/problems/invalid-credentials', detail: 'Wrong email or password.' }),
    });
    renderApp('/sign-in');
    const user = userEvent.setup();
    await signIn(user);
    expect(await screen.findByText('This value is not valid.')).toBeTruthy();
    const email = screen.getByLabelText('Email');
    expect(email.getAttribute('aria-describedby')).toContain(screen.getByText('This value is not valid.').id);
    await user.type(email, 'x');
    expect(screen.queryByText('This value is not valid.')).toBeNull(); // editing clears the server's message
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('The email or the password is not correct.')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/Unknown domain|Wrong email/);
  });

  it('offers a new confirmation email to an unverified account', async () => {
    fakeApi({
      ...signedOutRoutes,
      'POST /auth/login': () => problem(403, { type: 'https://ayni.app/problems/email-not-verified', detail: 'Email not verified.' }),
      'POST /auth/verify-email/resend': () => json(202, {}),
    });
    renderApp('/sign-in');
    const user = userEvent.setup();
    await signIn(user);
    await user.click(await screen.findByRole('link', { name: 'Resend the confirmation email' }));
    expect(await screen.findByText(/We sent a confirmation link to ana@tienda.cl/)).toBeTruthy();
  });

  it('shows the request id of a server error and ignores a double submit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const api = fakeApi({
      ...signedOutRoutes,
      'POST /auth/login': async () => {
        await gate;
        return problem(500, { title: 'Internal Server Error', instance: 'req-42' });
      },
    });
    renderApp('/sign-in');
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Sign in to Ayni' });
    await user.type(screen.getByLabelText('Email'), 'ana@tienda.cl');
    await user.type(screen.getByLabelText('Password'), 'x');
    const button = screen.getByRole('button', { name: 'Sign in' });
    await user.click(button);
    expect(screen.getByRole('button', { name: 'Signing in…' }).hasAttribute('disabled')).toBe(true);
    await user.keyboard('{Enter}');
    release();
    expect(await screen.findByText(/contact us with this code: req-42/)).toBeTruthy();
    expect(screen.queryByText('Request ID: req-42')).toBeNull(); // said once
    expect(api.count('POST /auth/login')).toBe(1);
  });

  it('tells how long to wait after too many attempts', async () => {
    fakeApi({ ...signedOutRoutes, 'POST /auth/login': () => problem(429, {}, { 'Retry-After': '30' }) });
    renderApp('/sign-in');
    const user = userEvent.setup();
    await signIn(user);
    expect(await screen.findByText('Too many attempts. Wait 30 seconds and try again.')).toBeTruthy();
  });

  it('password can be shown and hidden', async () => {
    fakeApi(signedOutRoutes);
    renderApp('/sign-in');
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Sign in to Ayni' });
    const input = screen.getByLabelText('Password');
    expect(input.getAttribute('type')).toBe('password');
    await user.click(screen.getByRole('button', { name: 'Show password' }));
    expect(input.getAttribute('type')).toBe('text');
    await user.click(screen.getByRole('button', { name: 'Hide password' }));
    expect(input.getAttribute('type')).toBe('password');
  });
});

describe('register and verify', () => {
  it('registers, then asks to check the email (survives a reload)', async () => {
    const api = fakeApi({ ...signedOutRoutes, 'POST /auth/register': () => json(201, { ...ana, email_verified: false }) });
    const view = renderApp('/register');
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Create your account' });
    await user.type(screen.getByLabelText(/Full name/), '  Ana Pérez ');
    await user.type(screen.getByLabelText('Email'), 'ana@tienda.cl');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.tab();
    expect(screen.getByText('The password must have at least 8 characters.')).toBeTruthy();
    await user.type(screen.getByLabelText('Password'), '-but-now-long');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('heading', { name: 'Check your email' })).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/auth/register')?.body).toEqual({
      email: 'ana@tienda.cl',
      password: 'short-but-now-long',
      full_name: 'Ana Pérez',
    });
    view.unmount();
    renderApp('/check-your-email');
    expect(await screen.findByText(/ana@tienda.cl/)).toBeTruthy();
  });

  it('verifies the email from the link, once', async () => {
    const api = fakeApi({ ...signedOutRoutes, 'POST /auth/verify-email': () => json(200, ana) });
    renderApp('/verify-email?token=tok-1');
    expect(await screen.findByText('Your email is confirmed!')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sign in to Ayni' })).toBeTruthy();
    expect(api.count('POST /auth/verify-email')).toBe(1);
    expect(api.calls.find((c) => c.path === '/auth/verify-email')?.body).toEqual({ token: 'tok-1' });
  });

  it('an expired link offers a new one', async () => {
    const api = fakeApi({
      ...signedOutRoutes,
      'POST /auth/verify-email': () => problem(400, { detail: 'Token expired' }),
      'POST /auth/verify-email/resend': () => json(202, {}),
    });
    renderApp('/verify-email?token=old');
    expect(await screen.findByText('This link is invalid or has expired.')).toBeTruthy();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ana@tienda.cl');
    await user.click(screen.getByRole('button', { name: 'Resend email' }));
    expect(await screen.findByText(/a new email is on its way/)).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/auth/verify-email/resend')?.body).toEqual({ email: 'ana@tienda.cl' });
  });

  it('a link without a token says so', async () => {
    fakeApi(signedOutRoutes);
    renderApp('/verify-email');
    expect(await screen.findByText(/missing its confirmation code/)).toBeTruthy();
  });

  it('a server error while verifying can be retried', async () => {
    let n = 0;
    fakeApi({
      ...signedInRoutes(),
      'POST /auth/verify-email': () => (++n === 1 ? problem(500, { instance: 'req-7' }) : json(200, ana)),
    });
    renderApp('/verify-email?token=tok-retry');
    expect(await screen.findByText(/req-7/)).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Your email is confirmed!')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to home' })).toBeTruthy();
  });
});

describe('password reset', () => {
  it('asks for a link without telling whether the account exists', async () => {
    fakeApi({ ...signedOutRoutes, 'POST /auth/password-reset': () => json(202, {}) });
    renderApp('/forgot-password');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'ana@tienda.cl');
    await user.click(screen.getByRole('button', { name: 'Send link' }));
    expect(await screen.findByText('If an account exists for ana@tienda.cl, a link will arrive in a few minutes.')).toBeTruthy();
  });

  it('sets a new password from the link, then asks to sign in', async () => {
    const api = fakeApi({ ...signedOutRoutes, 'POST /auth/password-reset/confirm': () => noContent() });
    renderApp('/reset-password?token=reset-1');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('New password'), 'a-new-password');
    await user.type(screen.getByLabelText('Repeat the new password'), 'a-new-passwor');
    await user.tab();
    expect(screen.getByText('The passwords do not match.')).toBeTruthy();
    await user.type(screen.getByLabelText('Repeat the new password'), 'd');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Your password changed. Sign in with the new one.')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/auth/password-reset/confirm')?.body).toEqual({ token: 'reset-1', new_password: 'a-new-password' });
  });

  it('an invalid or missing token offers a new link', async () => {
    fakeApi({ ...signedOutRoutes, 'POST /auth/password-reset/confirm': () => problem(400) });
    renderApp('/reset-password?token=used');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('New password'), 'a-new-password');
    await user.type(screen.getByLabelText('Repeat the new password'), 'a-new-password');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByRole('link', { name: 'Ask for a new link' })).toBeTruthy();
  });

  it('a reset while signed in ends this session too', async () => {
    const api = fakeApi({ ...signedInRoutes(), 'POST /auth/password-reset/confirm': () => noContent() });
    renderApp('/reset-password?token=reset-2');
    const user = userEvent.setup();
    await waitFor(() => expect(api.count('GET /auth/me')).toBe(1));
    await user.type(await screen.findByLabelText('New password'), 'a-new-password');
    await user.type(screen.getByLabelText('Repeat the new password'), 'a-new-password');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
    expect(api.count('POST /auth/logout')).toBe(1);
  });

  it('a reset password page without a token says the link is invalid', async () => {
    fakeApi(signedOutRoutes);
    renderApp('/reset-password');
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('This link is invalid or has expired.')).toBeTruthy();
  });
});
