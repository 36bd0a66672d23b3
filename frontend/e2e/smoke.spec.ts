import { expect, test, type Page } from '@playwright/test';
import { answer } from '../scripts/dashboard-bench/analytics.mjs';
import { shot, watchForErrors, words } from './helpers';

/**
 * The built app on `vite preview` (with security-headers.json applied) and no backend: the API is
 * cut or answered at the network layer. Proves the browser plumbing: CSP, SPA routes, banners.
 */
const healthy = {
  status: 'healthy',
  timestamp: '2025-11-13T10:00:00Z',
  services: { database: 'healthy', redis: 'healthy', worker: 'degraded' },
};

async function apiDown(page: Page) {
  await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
}

let errors: string[] = [];
test.beforeEach(({ page }) => {
  errors = watchForErrors(page);
});
test.afterEach(() => {
  expect(errors, 'CSP violations or page errors').toEqual([]);
});

test('the sign-in page renders under the strict CSP', async ({ page }, info) => {
  const t = words(info);
  await apiDown(page);
  const res = await page.goto('/sign-in');
  expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'; style-src 'self'/);
  await expect(page.getByRole('heading', { name: t('signIn.title') })).toBeVisible();
  // validation as the user types, announced next to the field
  await page.getByLabel(t('field.email')).fill('ana@');
  await page.getByLabel(t('field.email')).blur();
  await expect(page.getByText(t('validation.email'))).toBeVisible();
  await expect(page.getByText(t('banner.offline'))).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
  await shot(page, info, 'smoke-sign-in');
});

test('an unknown route shows the in-app 404 page', async ({ page }, info) => {
  const t = words(info);
  await apiDown(page);
  await page.goto('/definitely/not/here');
  await expect(page.getByRole('heading', { name: t('notFound.title') })).toBeVisible();
  await shot(page, info, 'smoke-404');
});

test('the status page shows the API-down banner, then recovers on retry', async ({ page }, info) => {
  const t = words(info);
  await apiDown(page);
  await page.goto('/status');
  await expect(page.getByText(t('banner.offline'))).toBeVisible();
  await expect(page.getByText(t('error.offline'))).toBeVisible();
  await shot(page, info, 'smoke-status-api-down');
  await page.unroute('**/api/v1/**');
  await page.route('**/api/v1/health', (route) => route.fulfill({ status: 200, contentType: 'application/json', json: healthy }));
  await page.route('**/api/v1/auth/refresh', (route) =>
    route.fulfill({ status: 401, contentType: 'application/problem+json', json: { type: 'x', title: 'Unauthorized', status: 401 } }),
  );
  await page.getByRole('button', { name: t('banner.retry') }).click();
  await expect(page.getByText(t('banner.offline'))).toBeHidden();
  await expect(page.getByTestId('overall-status')).toHaveText(t('status.healthy'));
  await expect(page.locator('[data-service="worker"]')).toContainText(t('status.degraded'));
  await shot(page, info, 'smoke-status');
});

test('a 500 problem shows its request id', async ({ page }, info) => {
  const t = words(info);
  await page.route('**/api/v1/auth/refresh', (route) =>
    route.fulfill({ status: 401, contentType: 'application/problem+json', json: { type: 'x', title: 'Unauthorized', status: 401 } }),
  );
  await page.route('**/api/v1/auth/login', (route) =>
    route.fulfill({
      status: 500,
      contentType: 'application/problem+json',
      json: { type: 'https://ayni.app/problems/internal', title: 'Internal Server Error', status: 500, instance: 'req-smoke-500' },
    }),
  );
  await page.goto('/sign-in');
  await page.getByLabel(t('field.email')).fill('ana@tienda.cl');
  await page.getByLabel(t('field.password'), { exact: true }).fill('whatever-password');
  await page.getByRole('button', { name: t('signIn.submit') }).click();
  await expect(page.getByText(t('error.server', { id: 'req-smoke-500' }))).toBeVisible();
  await shot(page, info, 'smoke-500');
});

test('the dashboard draws under the strict CSP, within the screen width', async ({ page }, info) => {
  const t = words(info);
  // The stand-in API of the dashboard's benchmark: a session, a company, a year of sales.
  await page.route('**/api/v1/**', (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const answered = answer(request.method(), url.pathname + url.search, request.headers());
    return answered ? route.fulfill({ status: answered[0], headers: answered[1], body: answered[2] }) : route.fulfill({ status: 404 });
  });
  await page.goto('/c/c1');
  await expect(page.locator('[data-dashboard-ready="true"]')).toBeAttached();
  await expect(page.getByRole('heading', { name: t('dashboard.title', { name: 'Panadería Sur' }) })).toBeVisible();
  await expect(page.locator('.dash-trend canvas')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
  await shot(page, info, 'smoke-dashboard');
});
