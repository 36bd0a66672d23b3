import { expect, test, type Cookie } from '@playwright/test';
import { PASSWORD, registerAndVerify, shot, signIn, uniqueEmail, watchForErrors, words } from './helpers';
import { waitForLink } from './mail';

/**
 * The real stack: API + worker + database + SMTP sink, the built app served by the API at /.
 * One user goes through the whole life of a session, in order.
 */
test.describe.configure({ mode: 'serial' });

const email = uniqueEmail('desktop');
let errors: string[] = [];

test.beforeEach(({ page }) => {
  errors = watchForErrors(page);
});
test.afterEach(() => {
  expect(errors, 'CSP violations or page errors').toEqual([]);
});

test('register, verify the email from the link, sign in', async ({ page }, info) => {
  const t = words(info);
  await registerAndVerify(page, info, email, 'Ana Pérez');
  await page.getByRole('link', { name: t('verify.continue') }).click();
  await signIn(page, info, email);
  await expect(page.getByRole('heading', { name: t('onboarding.title', { name: 'Ana Pérez' }) })).toBeVisible();
  await shot(page, info, '04-home');
});

test('a wrong password is refused next to the form, a reload keeps the session', async ({ page }, info) => {
  const t = words(info);
  await page.goto('/sign-in');
  await page.getByLabel(t('field.email')).fill(email);
  await page.getByLabel(t('field.password'), { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: t('signIn.submit') }).click();
  await expect(page.locator('.alert--error')).toBeVisible();
  await shot(page, info, '05-sign-in-error');
  await signIn(page, info, email);
  await page.reload();
  await expect(page.getByRole('heading', { name: t('onboarding.title', { name: 'Ana Pérez' }) })).toBeVisible();
});

test('the status page shows every service', async ({ page }, info) => {
  const t = words(info);
  await page.goto('/status');
  await expect(page.getByTestId('overall-status')).toBeVisible();
  for (const service of ['database', 'redis', 'worker']) await expect(page.locator(`[data-service="${service}"]`)).toBeVisible();
  await expect(page.getByText(t('status.checkedAt', { time: '' }).trim())).toBeVisible();
  // it refreshes itself
  const next = await page.waitForResponse((r) => r.url().endsWith('/api/v1/health'), { timeout: 15_000 });
  expect([200, 503]).toContain(next.status());
  await shot(page, info, '06-status');
});

test('signed in, the status page sends a ping job through the worker and follows it to the end', async ({ page }, info) => {
  const t = words(info);
  await signIn(page, info, email);
  await page.getByRole('link', { name: t('nav.status') }).click();
  const sent = page.waitForResponse((r) => r.url().endsWith('/api/v1/jobs/ping'));
  await page.getByRole('button', { name: t('status.ping.run') }).click();
  expect((await sent).status()).toBe(202);
  const job = page.getByTestId('job-status');
  await expect(job).toHaveAttribute('data-job-status', 'succeeded', { timeout: 30_000 });
  await expect(job).toHaveText(t('status.ping.job', { status: t('status.job.succeeded') }));
  await shot(page, info, '06-status-ping-job');
});

function httpOnly(cookies: Cookie[]): Cookie[] {
  return cookies.filter((c) => c.httpOnly);
}

test('a reused refresh token forces sign-out', async ({ page, context }, info) => {
  const t = words(info);
  await signIn(page, info, email);
  const before = httpOnly(await context.cookies());
  expect(before.length, 'the API sets its refresh token as an HttpOnly cookie').toBeGreaterThan(0);
  // A reload refreshes through the cookie: the API rotates it.
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/auth/refresh'));
  await page.reload();
  expect((await refreshed).status()).toBe(200);
  await expect(page.getByRole('heading', { name: t('onboarding.title', { name: 'Ana Pérez' }) })).toBeVisible();
  const after = httpOnly(await context.cookies());
  const rotated = before.filter((old) => after.some((c) => c.name === old.name && c.value !== old.value));
  expect(rotated.length, 'the refresh cookie changes after a refresh').toBeGreaterThan(0);

  // Someone replays the old refresh token (a stolen copy): put it back and load the app.
  await context.addCookies(rotated);
  const reused = page.waitForResponse((r) => r.url().endsWith('/auth/refresh'));
  await page.reload();
  expect((await reused).status()).toBe(401);
  await expect(page.getByRole('heading', { name: t('signIn.title') })).toBeVisible();
  await shot(page, info, '08-signed-out-after-reuse');

  // Reuse detection should also have killed the newest token of that session (family revocation).
  const newest = after.filter((c) => rotated.some((r) => r.name === c.name));
  await context.addCookies(newest);
  const afterReuse = page.waitForResponse((r) => r.url().endsWith('/auth/refresh'));
  await page.reload();
  const status = (await afterReuse).status();
  info.annotations.push({ type: 'refresh-family-revoked', description: String(status === 401) });
  await expect(page.getByRole('heading', { name: t('signIn.title') })).toBeVisible();
});

test('sign out everywhere ends the sessions of every device', async ({ page, browser }, info) => {
  const t = words(info);
  // A second device: its own context (cookie jar). Contexts made from the worker's `browser` outlive the test
  // unless closed, and Playwright would then record them into every later test's trace: close it in all cases.
  const other = await browser.newContext({ locale: info.project.use.locale, viewport: { width: 1280, height: 800 } });
  try {
    const otherPage = await other.newPage();
    await signIn(otherPage, info, email);
    await signIn(page, info, email);
    await page.getByRole('link', { name: t('nav.account') }).click();
    await expect(page.getByText(email)).toBeVisible();
    await shot(page, info, '09-account');
    await page.getByRole('button', { name: t('account.signOutAll') }).click();
    await expect(page.getByRole('heading', { name: t('signIn.title') })).toBeVisible();
    await shot(page, info, '10-signed-out');
    // The other device: its refresh token is dead, so a reload lands on sign in.
    await otherPage.reload();
    await expect(otherPage.getByRole('heading', { name: t('signIn.title') })).toBeVisible();
  } finally {
    await other.close();
  }
});

test('forgot password: the emailed link sets a new password', async ({ page }, info) => {
  const t = words(info);
  await page.goto('/forgot-password');
  await page.getByLabel(t('field.email')).fill(email);
  await page.getByRole('button', { name: t('forgot.submit') }).click();
  await expect(page.getByText(t('forgot.sent', { email }))).toBeVisible();
  await shot(page, info, '11-forgot-password');
  const link = await waitForLink(email, '/reset-password');
  await page.goto(link);
  // exact: the confirmation's label ("Repeat the new password") contains this one
  await page.getByLabel(t('field.newPassword'), { exact: true }).fill(`${PASSWORD}-new`);
  await page.getByLabel(t('field.confirmPassword')).fill(`${PASSWORD}-new`);
  await shot(page, info, '12-reset-password');
  await page.getByRole('button', { name: t('reset.submit') }).click();
  await expect(page.getByText(t('signIn.passwordChanged'))).toBeVisible();
  await signIn(page, info, email, { password: `${PASSWORD}-new` });
  // The link works once.
  await page.goto(link);
  await page.getByLabel(t('field.newPassword'), { exact: true }).fill(`${PASSWORD}-again`);
  await page.getByLabel(t('field.confirmPassword')).fill(`${PASSWORD}-again`);
  await page.getByRole('button', { name: t('reset.submit') }).click();
  await expect(page.getByText(t('problem.tokenUsed'))).toBeVisible();
});

test('broken links and unknown pages get a clear answer', async ({ page }, info) => {
  const t = words(info);
  await page.goto('/verify-email?token=not-a-real-token');
  await expect(page.getByText(t('problem.invalidToken'))).toBeVisible();
  await shot(page, info, '13-verify-invalid');
  const res = await page.goto('/no/such/page');
  expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('heading', { name: t('notFound.title') })).toBeVisible();
  await shot(page, info, '14-not-found');
});
