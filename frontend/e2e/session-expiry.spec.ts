import { expect, test, type Response } from '@playwright/test';
import { registerAndVerify, shot, signIn, uniqueEmail, watchForErrors, words } from './helpers';

/**
 * The real stack, API run with ACCESS_TOKEN_EXPIRE_MINUTES=1. A file of its own: it waits over a minute for the
 * token to expire, while the other files run beside it.
 */
let errors: string[] = [];

test.beforeEach(({ page }) => {
  errors = watchForErrors(page);
});
test.afterEach(() => {
  expect(errors, 'CSP violations or page errors').toEqual([]);
});

test('an expired access token is refreshed silently', async ({ page }, info) => {
  // No test hook: the harness runs the API with ACCESS_TOKEN_EXPIRE_MINUTES=1 and we let the token expire.
  const t = words(info);
  const email = uniqueEmail('expiry');
  await registerAndVerify(page, info, email, 'Eva Soto');
  const login = page.waitForResponse((r) => r.url().endsWith('/auth/login') && r.status() === 200);
  await signIn(page, info, email);
  const { expires_in } = (await (await login).json()) as { expires_in: number };
  test.skip(expires_in > 180, `access tokens live ${expires_in}s: run the API with ACCESS_TOKEN_EXPIRE_MINUTES=1 for this test`);
  test.setTimeout((expires_in + 120) * 1000);

  const seen: string[] = [];
  const record = (r: Response) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/v1/')) seen.push(`${r.request().method()} ${path} ${r.status()}`);
  };
  page.on('response', record);
  await page.waitForTimeout((expires_in + 2) * 1000);
  // Each in-app navigation asks GET /me; allow the server some clock leeway past the expiry.
  const deadline = Date.now() + 90_000;
  while (!seen.some((s) => s.startsWith('POST /api/v1/auth/refresh 200'))) {
    expect(Date.now(), `no refresh seen; calls: ${seen.join(', ')}`).toBeLessThan(deadline);
    await page.getByRole('link', { name: t('nav.account') }).click();
    await expect(page.getByRole('heading', { name: t('account.title') })).toBeVisible();
    // The brand goes home, and on to creating a company (this user has none), a page that asks GET /me too.
    await page.getByRole('link', { name: t('app.name'), exact: true }).click();
    await page.waitForTimeout(5_000);
  }
  // A page asks more than GET /me: whichever of its requests meets the expired token first
  // refreshes it, and is then sent again once.
  const i = seen.findIndex((s) => s.endsWith(' 401'));
  expect(i, seen.join(', ')).toBeGreaterThanOrEqual(0);
  expect(seen.slice(0, i).filter((s) => s.startsWith('POST /api/v1/auth/refresh')), seen.join(', ')).toEqual([]);
  const refreshed = seen.indexOf('POST /api/v1/auth/refresh 200', i);
  expect(refreshed, seen.join(', ')).toBeGreaterThan(i);
  const retried = (seen[i] ?? '').replace(/ 401$/, ' 200');
  expect(seen.indexOf(retried, refreshed), seen.join(', ')).toBeGreaterThan(refreshed);
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(t('signIn.title'));
  await shot(page, info, '07-after-silent-refresh');
});
