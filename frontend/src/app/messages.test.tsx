import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, json, problem, renderApp, signedInRoutes, signedOutRoutes, type Handler } from '@/test/fakeApi';

/** The API's own words, as it sends them to every client: none of them may reach the screen. */
const englishFromTheApi = /The email or the password|too common|An account with this email|Input should be|link was already used|SERVER/;

const slugged = (slug: string, status: number, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  problem(status, { type: `https://ayni.app/problems/${slug}`, detail, ...extra }, headers);

const validation = (field: string, message: string, code: string, limit?: number) =>
  problem(422, {
    type: 'https://ayni.app/problems/validation-error',
    detail: 'The body has invalid fields.',
    errors: [{ field, message, code, ...(limit === undefined ? {} : { limit }) }],
  });

function expectNoServerText() {
  expect(document.body.textContent).not.toMatch(englishFromTheApi);
}

async function fillSignIn(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText('Correo electrónico'), 'ana@tienda.cl');
  await user.type(screen.getByLabelText('Contraseña'), 'una-contraseña');
  await user.click(screen.getByRole('button', { name: 'Ingresar' }));
}

async function fillRegister(user: ReturnType<typeof userEvent.setup>, password: string) {
  await user.type(await screen.findByLabelText('Correo electrónico'), 'ana@tienda.cl');
  await user.type(screen.getByLabelText('Contraseña'), password);
  await user.click(screen.getByRole('button', { name: 'Crear cuenta' }));
}

describe('the Spanish web app shows problems in Spanish, never the API text', () => {
  it('sign in: wrong email or password', async () => {
    fakeApi({
      ...signedOutRoutes,
      'POST /auth/login': () => slugged('invalid-credentials', 401, 'The email or the password is not correct.', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
    });
    renderApp('/sign-in', 'es');
    await fillSignIn(userEvent.setup());
    expect(await screen.findByText('El correo o la contraseña no son correctos.')).toBeTruthy();
    expectNoServerText();
  });

  it('sign in: an unconfirmed email offers a new link; a disabled account does not', async () => {
    let slug = 'email-not-verified';
    fakeApi({ ...signedOutRoutes, 'POST /auth/login': () => slugged(slug, 403, 'SERVER says no') });
    renderApp('/sign-in', 'es');
    const user = userEvent.setup();
    await fillSignIn(user);
    const alert = await screen.findByText('Tu correo aún no está confirmado: abre el enlace que te enviamos.');
    expect(within(alert.closest('[role=alert]') as HTMLElement).getByRole('link', { name: 'Reenviar el correo de confirmación' })).toBeTruthy();
    slug = 'account-disabled';
    await user.click(screen.getByRole('button', { name: 'Ingresar' }));
    expect(await screen.findByText('Esta cuenta está desactivada. Si crees que es un error, escríbenos.')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Reenviar el correo de confirmación' })).toBeNull();
    expectNoServerText();
  });

  it('register: a password that is too common shows on its field', async () => {
    fakeApi({
      ...signedOutRoutes,
      'POST /auth/register': () => validation('password', 'This password is too common; choose another.', 'password-too-common'),
    });
    renderApp('/register', 'es');
    await fillRegister(userEvent.setup(), 'password123');
    const message = await screen.findByText('Esta contraseña es demasiado común; elige otra.');
    const password = screen.getByLabelText('Contraseña');
    expect(password.getAttribute('aria-describedby')).toContain(message.id);
    expect(document.activeElement).toBe(password);
    expect(screen.getByRole('alert').textContent).toContain('Revisa los campos marcados.');
    expectNoServerText();
  });

  it('register: an address with an account offers sign in and password recovery', async () => {
    fakeApi({
      ...signedOutRoutes,
      'POST /auth/register': () => slugged('email-taken', 409, 'An account with this email exists; sign in or reset its password.'),
    });
    renderApp('/register', 'es');
    await fillRegister(userEvent.setup(), 'una-contraseña-larga');
    const alert = (await screen.findByText('Ya existe una cuenta con este correo. Ingresa o recupera tu contraseña.')).closest('[role=alert]') as HTMLElement;
    expect(within(alert).getByRole('link', { name: '¿Olvidaste tu contraseña?' }).getAttribute('href')).toBe('/forgot-password');
    expect(within(alert).getByRole('link', { name: 'Ingresa' }).getAttribute('href')).toBe('/sign-in');
    expectNoServerText();
  });

  it('a field error the form has no field for, or with a raw library text, shows the problem in Spanish', async () => {
    fakeApi({
      ...signedOutRoutes,
      'POST /auth/register': () => validation('body.sleep_ms', 'Input should be less than or equal to 10000', 'too-large', 10000),
    });
    renderApp('/register', 'es');
    await fillRegister(userEvent.setup(), 'una-contraseña-larga');
    expect(await screen.findByText('Revisa los datos e intenta de nuevo.')).toBeTruthy();
    expectNoServerText();
  });

  it('account: a wrong current password shows on its field; the text follows a change of language', async () => {
    fakeApi({
      ...signedInRoutes(),
      'POST /auth/password': () => validation('current_password', 'The current password is not correct.', 'password-incorrect'),
    });
    renderApp('/account', 'es');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Contraseña actual'), 'la-de-antes');
    await user.type(screen.getByLabelText('Nueva contraseña'), 'una-contraseña-nueva');
    await user.click(screen.getByRole('button', { name: 'Cambiar contraseña' }));
    expect(await screen.findByText('La contraseña actual no es correcta.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /English/ }));
    expect(await screen.findByText('The current password is not correct.')).toBeTruthy();
    expect(screen.getByText('Check the highlighted fields.')).toBeTruthy();
  });

  it('verify email: a used link says so', async () => {
    fakeApi({ ...signedOutRoutes, 'POST /auth/verify-email': () => slugged('token-used', 400, 'This verification link was already used; ask for a new one.') });
    renderApp('/verify-email?token=used', 'es');
    expect(await screen.findByText('Este enlace ya se usó. Pide uno nuevo.')).toBeTruthy();
    expectNoServerText();
  });

  it('reset password: an expired link says so; a password equal to the email shows on its field', async () => {
    let answer: Handler = () => validation('new_password', 'The password must not be your email address.', 'password-is-email');
    fakeApi({ ...signedOutRoutes, 'POST /auth/password-reset/confirm': (req) => answer(req) });
    renderApp('/reset-password?token=t', 'es');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Nueva contraseña'), 'ana@tienda.cl');
    await user.type(screen.getByLabelText('Repite la nueva contraseña'), 'ana@tienda.cl');
    await user.click(screen.getByRole('button', { name: 'Cambiar contraseña' }));
    expect(await screen.findByText('La contraseña no puede ser tu correo.')).toBeTruthy();
    answer = () => slugged('token-expired', 400, 'SERVER: this reset link expired; ask for a new one.');
    await user.click(screen.getByRole('button', { name: 'Cambiar contraseña' }));
    expect(await screen.findByText('Este enlace expiró. Pide uno nuevo.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Pedir un enlace nuevo' })).toBeTruthy();
    expectNoServerText();
  });

  it('forgot password: too many requests says how long to wait, in minutes', async () => {
    fakeApi({ ...signedOutRoutes, 'POST /auth/password-reset': () => slugged('too-many-attempts', 429, 'SERVER: try in 899 s', {}, { 'Retry-After': '899' }) });
    renderApp('/forgot-password', 'es');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Correo electrónico'), 'ana@tienda.cl');
    await user.click(screen.getByRole('button', { name: 'Enviar enlace' }));
    expect(await screen.findByText('Demasiados intentos. Espera 15 minutos e intenta de nuevo.')).toBeTruthy();
    expectNoServerText();
  });

  it('check your email: a service that is down says so', async () => {
    fakeApi({ ...signedOutRoutes, 'POST /auth/verify-email/resend': () => slugged('service-unavailable', 503, 'SERVER: redis is down', {}, { 'Retry-After': '5' }) });
    renderApp('/check-your-email', 'es');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Correo electrónico'), 'ana@tienda.cl');
    await user.click(screen.getByRole('button', { name: 'Reenviar correo' }));
    expect(await screen.findByText('Ayni no está disponible en este momento. Intenta de nuevo en unos segundos.')).toBeTruthy();
    expectNoServerText();
  });

  it('status: a server error shows the Spanish text and the request id', async () => {
    fakeApi({ ...signedOutRoutes, 'GET /health': () => slugged('internal-error', 500, 'SERVER: An unexpected error occurred', { instance: 'req-9' }) });
    renderApp('/status', 'es');
    expect(await screen.findByText(/El servicio tiene problemas\. .*escríbenos con este código: req-9/)).toBeTruthy();
    expectNoServerText();
  });

  it('an answer that is not problem+json at all gets the text for its status', async () => {
    fakeApi({ ...signedOutRoutes, 'POST /auth/login': () => new Response('SERVER <h1>Forbidden</h1>', { status: 403, headers: { 'Content-Type': 'text/html' } }) });
    renderApp('/sign-in', 'es');
    await fillSignIn(userEvent.setup());
    expect(await screen.findByText('No tienes permiso para hacer esto.')).toBeTruthy();
    expectNoServerText();
  });

  it('a JSON body that is not a problem still gets our text', async () => {
    fakeApi({ ...signedOutRoutes, 'POST /auth/login': () => json(400, ['SERVER', 'not a problem']) });
    renderApp('/sign-in', 'es');
    await fillSignIn(userEvent.setup());
    expect(await screen.findByText('Revisa los datos e intenta de nuevo.')).toBeTruthy();
    expectNoServerText();
  });
});
