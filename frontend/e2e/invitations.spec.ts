import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { PASSWORD, shot, uniqueEmail, uniqueRut, watchForErrors, words } from './helpers';
import { waitForLink } from './mail';

/**
 * Issue 12's invitation, on the real stack (API, worker, database, SMTP sink): an owner invites by API an
 * address that has no account yet; the invitee opens the emailed link signed out, registers through the UI,
 * confirms the email, signs in, lands back on the invitation and accepts it, and goes on to the company.
 */
test.describe.configure({ mode: 'serial' });

const API = '/api/v1';

async function ok<T>(response: APIResponse, what: string): Promise<T> {
  expect(response.ok(), `${what}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

/** An owner with a verified account and a company, through the API alone; answers the access token and company. */
async function ownerWithCompany(request: APIRequestContext, email: string, company: string): Promise<{ token: string; companyId: string }> {
  await ok(await request.post(`${API}/auth/register`, { data: { email, password: PASSWORD, full_name: 'Olga Dueña' } }), 'register the owner');
  const verify = new URLSearchParams((await waitForLink(email, '/verify-email')).split('?')[1]).get('token');
  await ok(await request.post(`${API}/auth/verify-email`, { data: { token: verify } }), "verify the owner's email");
  const { access_token: token } = await ok<{ access_token: string }>(
    await request.post(`${API}/auth/login`, { data: { email, password: PASSWORD } }),
    'sign the owner in',
  );
  const created = await ok<{ id: string; role: string }>(
    await request.post(`${API}/companies`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { name: company, rut: uniqueRut(), industry: 'grocery' },
    }),
    'create the company',
  );
  expect(created.role).toBe('owner');
  return { token, companyId: created.id };
}

let errors: string[] = [];
test.beforeEach(({ page }) => {
  errors = watchForErrors(page);
});
test.afterEach(() => {
  expect(errors, 'CSP violations or page errors').toEqual([]);
});

test('invited by email, the new user registers, confirms, signs in and accepts', async ({ page, request }, info) => {
  const t = words(info);
  const company = `Almacén E2E ${Date.now()}`;
  const invitee = uniqueEmail('invitee');
  const { token, companyId } = await ownerWithCompany(request, uniqueEmail('owner'), company);
  await ok(
    await request.post(`${API}/companies/${companyId}/invitations`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { email: invitee, role: 'analyst' },
    }),
    'invite',
  );

  // The emailed link, opened signed out: it explains, and offers to sign in or to create an account.
  const link = await waitForLink(invitee, '/invitations/accept');
  await page.goto(link);
  const main = page.getByRole('main');
  await expect(page.getByRole('heading', { name: t('invitation.title') })).toBeVisible();
  await expect(page.getByText(t('invitation.signedOut'))).toBeVisible();
  await shot(page, info, 'invitation-01-signed-out');

  // No account yet: register through the UI, with the invited address.
  await main.getByRole('link', { name: t('invitation.register') }).click();
  await expect(page.getByText(t('invitation.hint.register'))).toBeVisible();
  await page.getByLabel(t('field.fullName')).fill('Iván Invitado');
  await page.getByLabel(t('field.email')).fill(invitee);
  await page.getByLabel(t('field.password'), { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: t('register.submit') }).click();
  await expect(page.getByRole('heading', { name: t('checkEmail.title') })).toBeVisible();
  await expect(page.getByText(t('invitation.hint.checkEmail'))).toBeVisible();
  await shot(page, info, 'invitation-02-check-email');

  // The confirmation link, then sign in: the app brings the invitee back to the invitation.
  await page.goto(await waitForLink(invitee, '/verify-email'));
  await expect(page.getByText(t('verify.done'))).toBeVisible();
  await expect(page.getByText(t('invitation.hint.verified'))).toBeVisible();
  await main.getByRole('link', { name: t('verify.continue') }).click();
  await page.getByLabel(t('field.email')).fill(invitee);
  await page.getByLabel(t('field.password'), { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: t('signIn.submit') }).click();
  await expect(page.getByRole('heading', { name: t('invitation.title') })).toBeVisible();
  const tokenOf = (url: string) => new URL(url, 'http://x').searchParams.get('token');
  expect(new URL(page.url()).pathname).toBe('/invitations/accept');
  expect(tokenOf(page.url())).toBe(tokenOf(link));
  await expect(page.getByText(t('invitation.as', { email: invitee }))).toBeVisible();
  await shot(page, info, 'invitation-03-signed-in');

  const accepted = page.waitForResponse((r) => r.url().endsWith(`${API}/invitations/accept`));
  await page.getByRole('button', { name: t('invitation.accept') }).click();
  expect((await accepted).status()).toBe(200);
  await expect(page.getByText(t('invitation.accepted', { company, role: t('role.analyst') }))).toBeVisible();
  await shot(page, info, 'invitation-04-accepted');
  expect(await page.evaluate(() => localStorage.getItem('ayni.pendingInvitation'))).toBeNull();

  // On to the company: its sections for an analyst (no imports, no settings); the list of companies has it.
  await main.getByRole('link', { name: t('invitation.goCompany', { company }) }).click();
  const sections = page.getByRole('navigation', { name: t('companyNav.label', { company }) });
  await expect(sections.getByRole('link', { name: t('companyNav.team') })).toBeVisible();
  await expect(sections.getByRole('link', { name: t('companyNav.settings') })).toHaveCount(0);
  await page.getByRole('link', { name: t('nav.companies') }).click();
  const card = page.locator('li.company', { hasText: company });
  await expect(card).toBeVisible();
  await expect(card.getByText(t('role.analyst'))).toBeVisible();
  await shot(page, info, 'invitation-05-companies');

  // The link works once.
  await page.goto(link);
  await page.getByRole('button', { name: t('invitation.accept') }).click();
  await expect(page.getByText(t('invitation.used'))).toBeVisible();
});
