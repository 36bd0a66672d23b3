import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { pendingInvitation, rememberInvitation } from '@/shared/session/pendingInvitation';
import { ana, fakeApi, json, problem, myCompany, renderApp, signedInRoutes, signIn, tokens, type Handler } from '@/test/fakeApi';

const company = myCompany({ rut: '76086428-5' });

const slugged = (slug: string, status: number) =>
  problem(status, { type: `https://ayni.app/problems/${slug}`, detail: 'SERVER detail in English' });

const main = () => within(screen.getByRole('main'));

/** A visitor without a session who signs in (as Ana) with the form; `/me` answers once signed in. */
function signInRoutes(extra: Record<string, Handler> = {}): Record<string, Handler> {
  let signedIn = false;
  return {
    'POST /auth/refresh': () => problem(401),
    'POST /auth/login': () => {
      signedIn = true;
      return json(200, tokens(1));
    },
    'GET /auth/me': (req) => (signedIn && req.auth === 'Bearer access-1' ? json(200, ana) : problem(401)),
    'GET /companies': () => json(200, { items: [] }),
    ...extra,
  };
}

/** Accepting answers the company, which from then on is among the user's companies. */
function joining(): Record<string, Handler> {
  let joined = false;
  return {
    'POST /invitations/accept': () => {
      joined = true;
      return json(200, company);
    },
    'GET /companies': () => json(200, { items: joined ? [company] : [] }),
  };
}

describe('accepting an invitation, signed in', () => {
  it('says what is accepted and with which account, then which company and role', async () => {
    rememberInvitation('inv-1');
    const api = fakeApi({ ...signedInRoutes(), ...joining() });
    renderApp('/invitations/accept?token=inv-1');
    expect(await screen.findByRole('heading', { name: 'Invitation to a team' })).toBeTruthy();
    expect(screen.getByText('You are accepting with your account ana@tienda.cl.')).toBeTruthy();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByText('Done! You joined Tienda Sur. Your role: Analyst.')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/invitations/accept')).toMatchObject({ body: { token: 'inv-1' }, auth: 'Bearer access-2' });
    expect(pendingInvitation()).toBe(''); // accepted: nothing waits any more
    // On to the company: its pages know it although the list of companies was read before it joined.
    await user.click(main().getByRole('link', { name: 'Go to Tienda Sur' }));
    expect(await screen.findByRole('navigation', { name: 'Tienda Sur sections' })).toBeTruthy();
    expect(window.location.pathname).toBe('/c/c1');
  });

  it.each([
    ['invalid-token', 400, 'This invitation link is not valid: it may have been withdrawn or replaced by a newer one.', 'Ask the person who invited you to send you a new invitation.'],
    ['token-used', 400, 'This invitation was already accepted: each link works once. If it was you, the company is already on your home page.', null],
    ['token-expired', 400, 'This invitation has expired: links last 7 days.', 'Ask the person who invited you to send you a new invitation.'],
    ['already-member', 409, 'You are already part of this company: you will find it on your home page.', null],
    ['validation-error', 422, 'This invitation link is not valid: it may have been withdrawn or replaced by a newer one.', 'Ask the person who invited you to send you a new invitation.'],
  ])('%s (%i): says why and what to do, and forgets the invitation', async (slug, status, why, next) => {
    rememberInvitation('inv-2');
    fakeApi({ ...signedInRoutes(), 'POST /invitations/accept': () => slugged(slug, status) });
    renderApp('/invitations/accept?token=inv-2');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Accept invitation' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText(why)).toBeTruthy();
    if (next) expect(within(alert).getByText(next)).toBeTruthy();
    expect(main().getByRole('link', { name: 'Go to home' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).toBeNull();
    expect(document.body.textContent).not.toContain('SERVER');
    expect(pendingInvitation()).toBe('');
  });

  it('another account: shows which one is signed in, keeps the invitation, and offers to switch', async () => {
    rememberInvitation('inv-3');
    const api = fakeApi({ ...signedInRoutes(), 'POST /invitations/accept': () => slugged('wrong-account', 403) });
    renderApp('/invitations/accept?token=inv-3');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Accept invitation' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('This invitation is for another email address, and you are signed in as ana@tienda.cl.')).toBeTruthy();
    expect(within(alert).getByText(/Sign out and sign in with the address the invitation was sent to/)).toBeTruthy();
    expect(pendingInvitation()).toBe('inv-3');
    await user.click(within(alert).getByRole('button', { name: 'Sign out and switch accounts' }));
    // Signed out, on the same page: sign in (with the invited address) or register.
    expect(await main().findByRole('link', { name: 'Sign in' })).toBeTruthy();
    expect(main().getByRole('link', { name: 'Create an account' })).toBeTruthy();
    expect(api.count('POST /auth/logout')).toBe(1);
    expect(pendingInvitation()).toBe('inv-3');
  });

  it('an unconfirmed email: confirm first, the invitation waits', async () => {
    rememberInvitation('inv-4');
    fakeApi({ ...signedInRoutes(), 'POST /invitations/accept': () => slugged('email-not-verified', 403) });
    renderApp('/invitations/accept?token=inv-4');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByText('Confirm your email before accepting: open the link we sent you and come back to this page.')).toBeTruthy();
    expect(main().getByRole('link', { name: 'Resend the confirmation email' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).toBeNull();
    expect(pendingInvitation()).toBe('inv-4');
  });

  it('a signed-in user whose email is not confirmed is told so before trying', async () => {
    fakeApi(signedInRoutes({ ...ana, email_verified: false }));
    renderApp('/invitations/accept?token=inv-5');
    expect(await screen.findByText(/Confirm your email before accepting/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).toBeNull();
  });

  it('a server error keeps the invitation and the button: trying again works', async () => {
    let n = 0;
    const api = fakeApi({
      ...signedInRoutes(),
      'POST /invitations/accept': () => (++n === 1 ? problem(500, { instance: 'req-9' }) : json(200, { ...company, role: 'viewer' })),
    });
    renderApp('/invitations/accept?token=inv-6');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByText(/contact us with this code: req-9/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByText('Done! You joined Tienda Sur. Your role: Viewer.')).toBeTruthy();
    expect(api.count('POST /invitations/accept')).toBe(2);
  });

  it('no answer at all: says so, and the invitation waits', async () => {
    rememberInvitation('inv-10');
    fakeApi({
      ...signedInRoutes(),
      'POST /invitations/accept': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    renderApp('/invitations/accept?token=inv-10');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Accept invitation' }));
    expect(await main().findByText('We could not reach Ayni. Check your connection and try again.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Accept invitation' })).toBeTruthy();
    expect(pendingInvitation()).toBe('inv-10');
  });

  it('a link without a token says so', async () => {
    fakeApi(signedInRoutes());
    renderApp('/invitations/accept');
    expect(await screen.findByText('The link is missing its invitation code. Open it again from the email.')).toBeTruthy();
  });

  it('speaks Spanish (Chile)', async () => {
    fakeApi({ ...signedInRoutes(), 'POST /invitations/accept': () => json(200, { ...company, role: 'manager' }) });
    renderApp('/invitations/accept?token=inv-7', 'es');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Aceptar invitación' }));
    expect(await screen.findByText('¡Listo! Te uniste a Tienda Sur. Tu rol: Administrador.')).toBeTruthy();
  });
});

describe('an invitation opened signed out is carried through sign-in and sign-up', () => {
  it('sign in, then back on the page with the token, then accepted', async () => {
    const api = fakeApi(signInRoutes({ 'POST /invitations/accept': () => json(200, company) }));
    renderApp('/invitations/accept?token=inv-out');
    expect(await screen.findByText(/To accept, sign in with the email address the invitation was sent to/)).toBeTruthy();
    expect(pendingInvitation()).toBe('inv-out');
    const user = userEvent.setup();
    await user.click(main().getByRole('link', { name: 'Sign in' }));
    expect(await screen.findByText('You have an invitation waiting: sign in with the address it was sent to, to accept it.')).toBeTruthy();
    await signIn(user);
    expect(await screen.findByRole('heading', { name: 'Invitation to a team' })).toBeTruthy();
    expect(window.location.pathname + window.location.search).toBe('/invitations/accept?token=inv-out');
    await user.click(await screen.findByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByText('Done! You joined Tienda Sur. Your role: Analyst.')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/invitations/accept')?.body).toEqual({ token: 'inv-out' });
    expect(pendingInvitation()).toBe('');
  });

  it('register, check the email, verify (in a new tab), sign in: back on the invitation, accepted', async () => {
    const api = fakeApi(
      signInRoutes({
        'POST /auth/register': () => json(201, { ...ana, email_verified: false }),
        'POST /auth/verify-email': () => json(200, ana),
        ...joining(),
      }),
    );
    const first = renderApp('/invitations/accept?token=inv-new');
    const user = userEvent.setup();
    await user.click(await main().findByRole('link', { name: 'Create an account' }));
    expect(await screen.findByText(/create your account with the address it was sent to/)).toBeTruthy();
    await user.type(screen.getByLabelText('Email'), 'ana@tienda.cl');
    await user.type(screen.getByLabelText('Password'), 'a-long-password');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('heading', { name: 'Check your email' })).toBeTruthy();
    expect(screen.getByText(/Your invitation is waiting: once you confirm your email and sign in/)).toBeTruthy();
    expect(pendingInvitation()).toBe('inv-new');

    // The confirmation link opens in a new tab: no history, no sessionStorage; the invitation still waits.
    first.unmount();
    sessionStorage.clear();
    renderApp('/verify-email?token=verify-1');
    expect(await screen.findByText('Your email is confirmed!')).toBeTruthy();
    expect(screen.getByText('Sign in and you will come back to your invitation to accept it.')).toBeTruthy();
    await user.click(main().getByRole('link', { name: 'Sign in to Ayni' }));
    await signIn(user);
    expect(await screen.findByRole('heading', { name: 'Invitation to a team' })).toBeTruthy();
    await user.click(await screen.findByRole('button', { name: 'Accept invitation' }));
    expect(await screen.findByText('Done! You joined Tienda Sur. Your role: Analyst.')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/invitations/accept')?.body).toEqual({ token: 'inv-new' });
    expect(pendingInvitation()).toBe('');
    // Nothing waits any more: on to the company, which home now leads to.
    await user.click(main().getByRole('link', { name: 'Go to Tienda Sur' }));
    expect(await screen.findByRole('navigation', { name: 'Tienda Sur sections' })).toBeTruthy();
    expect(localStorage.getItem('ayni.lastCompany')).toBe('c1');
  });

  it('a signed-in user who confirms the email is offered the waiting invitation', async () => {
    rememberInvitation('inv-8');
    fakeApi({ ...signedInRoutes(), 'POST /auth/verify-email': () => json(200, ana) });
    renderApp('/verify-email?token=verify-2');
    const link = await main().findByRole('link', { name: 'See the invitation' });
    expect(link.getAttribute('href')).toBe('/invitations/accept?token=inv-8');
  });

  it('a page that asked for sign-in still wins over the waiting invitation', async () => {
    rememberInvitation('inv-9');
    fakeApi(signInRoutes());
    renderApp('/account');
    await signIn(userEvent.setup());
    expect(await screen.findByRole('heading', { name: 'My account' })).toBeTruthy();
    await waitFor(() => expect(pendingInvitation()).toBe('inv-9'));
  });
});
