import { expect, test, type Page } from '@playwright/test';
import { PASSWORD, registerAndVerify, signIn, uniqueEmail, watchForErrors, words } from './helpers';

/**
 * The deployed shape (render.yaml): the web app on a static host that forwards /api/ to the API on another host.
 * The harness serves the app at AYNI_E2E_SITE_URL (127.0.0.2) and the API at AYNI_E2E_URL (127.0.0.1): two
 * sites for the browser, so the SameSite=Strict refresh cookie holds only when the API is reached through the
 * web app's own site.
 */
test.describe.configure({ mode: 'serial' });

const email = uniqueEmail('one-site');
const api = process.env.AYNI_E2E_URL as string;

test('signed in through the static host, a reload keeps the session', async ({ page, context, baseURL }, info) => {
  const t = words(info);
  const errors = watchForErrors(page);
  await registerAndVerify(page, info, email, 'Rosa Díaz');
  await signIn(page, info, email);
  expect(new URL(page.url()).origin).toBe(baseURL);
  const site = new URL(baseURL as string).hostname;
  const cookie = (await context.cookies()).find((c) => c.name === 'ayni_refresh');
  expect(cookie, 'the refresh cookie belongs to the web app’s site').toMatchObject({
    domain: site,
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/api/v1/auth',
  });

  const refreshed = page.waitForResponse((r) => r.url() === `${baseURL}/api/v1/auth/refresh`);
  await page.reload();
  expect((await refreshed).status()).toBe(200);
  await expect(page.getByRole('heading', { name: t('onboarding.title', { name: 'Rosa Díaz' }) })).toBeVisible();
  expect(errors, 'CSP violations or page errors').toEqual([]);
});

/** Signs in with fetch from the page, then asks for a new token pair with the cookie alone, as a reload does. */
async function signInThenRefresh(page: Page, apiBase: string): Promise<{ login: number; refresh: number }> {
  return page.evaluate(
    async ({ apiBase, email, password }) => {
      const login = await fetch(`${apiBase}/api/v1/auth/login`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      const refresh = await fetch(`${apiBase}/api/v1/auth/refresh`, { method: 'POST', credentials: 'include' });
      return { login: login.status, refresh: refresh.status };
    },
    { apiBase, email, password: PASSWORD },
  );
}

test('the API called cross-site, as the old render.yaml had it, loses the session', async ({ browser, baseURL }, info) => {
  // The old CSP listed the API's origin in connect-src; bypassing the CSP stands in for it.
  const context = await browser.newContext({ bypassCSP: true, locale: info.project.use.locale });
  try {
    const page = await context.newPage();
    await page.goto('/sign-in');
    // CORS lets the page call the API on its own host, and the sign-in works...
    const crossSite = await signInThenRefresh(page, api);
    expect(crossSite.login).toBe(200);
    // ...but the SameSite=Strict cookie of a cross-site answer is never sent back: the next reload signs out.
    expect(crossSite.refresh).toBe(401);
    // Through the web app's own site, the same two calls keep the session.
    expect(await signInThenRefresh(page, baseURL as string)).toEqual({ login: 200, refresh: 200 });
  } finally {
    await context.close();
  }
});
