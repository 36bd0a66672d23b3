import { expect, test, type Locator, type Page } from '@playwright/test';
import { PASSWORD, shot, uniqueEmail, watchForErrors } from './helpers';
import { waitForLink } from './mail';

/**
 * The API's interactive docs (Swagger UI at /api/v1/docs, served by the API with its own files) as a REST
 * client's developer uses them: under the page's strict CSP, sign in through "Try it out", paste the token
 * into "Authorize", then call a route that needs it.
 */

/** One operation's block, by the id Swagger UI's deep links give it: operations-<tag>-<operationId>. */
function operation(page: Page, tag: string, operationId: string): Locator {
  return page.locator(`#operations-${tag}-${operationId}`);
}

/** Opens the operation, "Try it out", optionally a JSON body, "Execute"; returns the HTTP answer's status. */
async function tryItOut(page: Page, block: Locator, path: string, body?: object): Promise<number> {
  await block.locator('.opblock-summary-control').click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  if (body) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === path);
  await block.getByRole('button', { name: 'Execute' }).click();
  const status = (await answered).status();
  await expect(block.locator('.live-responses-table .response .response-col_status').first()).toHaveText(String(status));
  return status;
}

test('the API docs: every operation under the strict CSP, sign in, Authorize, a call that needs the token', async ({
  page,
  request,
}, info) => {
  const errors = watchForErrors(page);
  const email = uniqueEmail('apidocs');
  const registered = await request.post('/api/v1/auth/register', { data: { email, password: PASSWORD } });
  expect(registered.status()).toBe(201);
  const link = await waitForLink(email, '/verify-email');
  const token = new URLSearchParams(link.split('?')[1]).get('token');
  expect((await request.post('/api/v1/auth/verify-email', { data: { token } })).status()).toBe(200);

  const answer = await page.goto('/api/v1/docs');
  expect(answer?.headers()['content-security-policy']).toMatch(/script-src 'self'; style-src 'self'/);
  const spec = await (await request.get('/api/v1/openapi.json')).json();
  const operations = Object.values(spec.paths as Record<string, object>).flatMap((ops) => Object.keys(ops));
  await expect(page.locator('.opblock')).toHaveCount(operations.length);
  await shot(page, info, 'api-docs');

  // A public route: whatever the stack's health, the page shows the answer the API gave.
  await tryItOut(page, operation(page, 'health', 'get_health'), '/api/v1/health');

  const login = operation(page, 'auth', 'post_login');
  const signedIn = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login');
  expect(await tryItOut(page, login, '/api/v1/auth/login', { email, password: PASSWORD })).toBe(200);
  const { access_token: accessToken } = await (await signedIn).json();

  // Locked before Authorize, then the token goes where the page's guide says.
  const me = operation(page, 'auth', 'get_me');
  expect(await tryItOut(page, me, '/api/v1/auth/me')).toBe(401);
  await page.locator('.auth-wrapper').getByRole('button', { name: 'Authorize' }).click();
  const dialog = page.locator('.modal-ux');
  await dialog.locator('input').fill(accessToken);
  await dialog.getByRole('button', { name: 'Apply credentials' }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();

  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/me');
  await me.getByRole('button', { name: 'Execute' }).click();
  expect((await answered).status()).toBe(200);
  await expect(me.locator('.live-responses-table .response .response-col_status').first()).toHaveText('200');
  await expect(me.locator('.live-responses-table')).toContainText(email);
  expect(errors, 'CSP violations or page errors').toEqual([]);
});
