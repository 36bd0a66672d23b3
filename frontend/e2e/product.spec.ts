import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { registerAndVerify, shot, signIn, uniqueEmail, uniqueRut, watchForErrors, words } from './helpers';
import { waitForLink } from './mail';
import { figures, pesos, readSales, type Mapping } from './salesFile';

/**
 * Issue 15's product, on the real stack (API, worker, database, SMTP sink, the built app), in Spanish as a Chilean
 * owner uses it: from a new account to a dashboard of the owner's own sales, whose figures are computed here from
 * the uploaded file; a viewer invited to the team sees the same figures and no upload or settings; the dashboard
 * on a phone. One company for the three tests, in order.
 */
test.describe.configure({ mode: 'serial' });

const FIXTURES = '../../tests/sales/fixtures/';
const FILE = fileURLToPath(new URL(`${FIXTURES}pos_chile.csv`, import.meta.url));
/** What the analysis finds in pos_chile.csv (the review shows it), and how its numbers are written. */
const DETECTED: Mapping = {
  sold_at: 'Fecha venta', ticket: 'N° doc. venta', document_type: 'Tipo doc.', location: 'Nombre sucursal',
  sku: 'Código', product: 'Producto', quantity: 'Cantidad', amount: 'Total neto', unit_price: 'Precio unitario',
};
const NUMBERS = { decimal: '.', thousands: ',' } as const;
/**
 * The owner's correction: she reads her sales at list price, before discounts (the discounts keep a card of
 * their own), so "Total neto" is left unused and Ayni prices each line at Precio unitario x Cantidad. Every
 * discounted line changes: revenue and the top product's figure are not the file's net totals any more.
 */
const CORRECTED_COLUMN = 'Total neto';
const CORRECTED: Mapping = { ...DETECTED, amount: undefined };
/** The file's days: the dashboard's view of them, in its URL (features/dashboard/view.ts). */
const FILE_RANGE = '?period=custom&from=2025-10-01&to=2025-10-31';

const csv = readFileSync(FILE, 'utf8');
const detected = readSales(csv, DETECTED, NUMBERS);
const corrected = readSales(csv, CORRECTED, NUMBERS);
const expected = figures(corrected.lines);

const owner = { email: uniqueEmail('owner'), name: 'Marcela Fuentes' };
const viewer = { email: uniqueEmail('viewer'), name: 'Tomás Lagos' };
const company = { name: `Almacén Los Aromos ${Date.now()}`, id: '', location: 'Sucursal Providencia' };

/** A text of the app whose `{placeholders}` may be anything (a value the API writes into it). */
function sentence(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '.+')}$`);
}

/** The dashboard drawn: every section with the view's own figures (the page's signal, docs/web-dashboard.md). */
async function dashboardDrawn(page: Page): Promise<void> {
  await expect(page.locator('[data-dashboard-ready="true"]')).toBeAttached({ timeout: 30_000 });
}

/** The dashboard for the file's dates. */
async function openFileDashboard(page: Page): Promise<void> {
  await page.goto(`/c/${company.id}${FILE_RANGE}`);
  await dashboardDrawn(page);
}

/** Revenue, tickets and the top product on the dashboard equal the file's, written as the page writes them. */
async function expectFileFigures(page: Page, info: TestInfo): Promise<void> {
  const t = words(info);
  const kpis = page.getByRole('region', { name: t('dashboard.kpis') });
  const card = (metric: 'revenue' | 'tickets') =>
    kpis.getByRole('listitem').filter({ has: page.getByRole('heading', { name: t(`dashboard.metric.${metric}`), exact: true }) });
  await expect(card('revenue').getByText(pesos(expected.revenue), { exact: true })).toBeVisible();
  await expect(card('tickets').getByText(String(expected.tickets), { exact: true })).toBeVisible();

  // The list as a table, for everyone ("Ver como tabla"): its first row is the top product.
  const products = page.getByRole('region', { name: t('dashboard.topProducts', { metric: t('dashboard.metric.revenue').toLowerCase() }) });
  await products.getByRole('button', { name: t('dashboard.showTable') }).click();
  const top = products.getByRole('table').getByRole('row').nth(1);
  await expect(top.getByRole('rowheader')).toHaveText(expected.top.product);
  await expect(top.getByRole('cell').first()).toHaveText(pesos(expected.top.revenue));
}

/** The company's sections in the header. */
function sections(page: Page, info: TestInfo): Locator {
  return page.getByRole('navigation', { name: words(info)('companyNav.label', { company: company.name }) });
}

let errors: string[] = [];
test.beforeEach(({ page }) => {
  errors = watchForErrors(page);
});
test.afterEach(() => {
  expect(errors, 'CSP violations or page errors').toEqual([]);
});

test('the file read here agrees with its hand-checked totals', () => {
  const checked = JSON.parse(readFileSync(fileURLToPath(new URL(`${FIXTURES}expected.json`, import.meta.url)), 'utf8'))['pos_chile.csv'] as {
    lines_loaded: number;
    revenue: string;
    tickets: number;
    rejected: Record<string, { value: string }>;
  };
  const asImported = figures(detected.lines);
  expect(detected.lines).toHaveLength(checked.lines_loaded);
  expect(detected.rejected.map(({ row, value }) => [String(row), value])).toEqual(Object.entries(checked.rejected).map(([row, r]) => [row, r.value]));
  expect({ revenue: String(asImported.revenue), tickets: asImported.tickets }).toEqual({ revenue: checked.revenue, tickets: checked.tickets });
  // The correction matters: the dashboard must show other figures than the file's net totals.
  expect(expected.revenue).not.toBe(asImported.revenue);
  expect(expected.top.revenue).not.toBe(asImported.top.revenue);
});

test('a new owner: account, company, her sales file with a corrected column, and their dashboard', async ({ page }, info) => {
  const t = words(info);
  await registerAndVerify(page, info, owner.email, owner.name);
  await signIn(page, info, owner.email);

  // The company and its first location (named as the point of sale names it, so the file's lines find it).
  await expect(page.getByRole('heading', { name: t('onboarding.title', { name: owner.name }) })).toBeVisible();
  const rut = uniqueRut();
  await page.getByLabel(t('company.field.name')).fill(company.name);
  const rutField = page.getByLabel(t('company.field.rut'));
  await rutField.fill(rut.replace(/\B(?=(\d{3})+-)/g, '.'));
  await expect(page.getByText(t('company.field.rutValid', { rut }))).toBeVisible();
  await page.getByLabel(t('company.field.industry')).selectOption({ label: t('industry.grocery') });
  await expect(page.getByLabel(t('company.field.timezone'))).toHaveValue('America/Santiago');
  await expect(page.getByLabel(t('company.field.currency'))).toHaveValue('CLP');
  await page.getByLabel(t('location.field.name')).fill(company.location);
  await page.getByLabel(t('location.field.comuna')).fill('Providencia');
  await page.getByLabel(t('location.field.region')).selectOption('Región Metropolitana de Santiago');
  await rutField.blur();
  await expect(rutField).toHaveValue(rut);
  await shot(page, info, '04-new-company');
  await page.getByRole('button', { name: t('onboarding.submit') }).click();
  await expect(page.getByRole('heading', { name: t('onboarding.start.title', { company: company.name }) })).toBeVisible();
  company.id = /\/c\/([^/]+)\/start$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
  expect(company.id).not.toBe('');
  await shot(page, info, '05-start');

  // Upload the point of sale's export.
  await page.getByRole('link', { name: t('onboarding.start.upload') }).click();
  await expect(page.getByRole('heading', { name: t('imports.title') })).toBeVisible();
  await shot(page, info, '06-imports');
  await page.getByLabel(t('imports.upload.pick')).setInputFiles(FILE);

  // The review: what Ayni understood. One row will be rejected; the two branches: hers, and a new one.
  const review = page.getByRole('form', { name: t('imports.review.title') });
  await expect(review).toBeVisible({ timeout: 60_000 });
  await expect(review.getByText(t('imports.problem.rejectedRows'))).toBeVisible();
  await expect(review.getByLabel(company.location)).not.toHaveValue('new');
  await expect(review.getByLabel('Sucursal Ñuñoa')).toHaveValue('new');
  const amountColumn = review.getByLabel(t('imports.columns.fieldFor', { column: CORRECTED_COLUMN }));
  await expect(amountColumn).toHaveValue('amount');
  await shot(page, info, '07-review');

  // The correction, as she makes it: that column is not used; the unit price and quantity remain.
  await amountColumn.selectOption({ label: t('imports.field.none') });
  await expect(amountColumn).toHaveValue('');
  await expect(review.getByLabel(t('imports.columns.fieldFor', { column: 'Precio unitario' }))).toHaveValue('unit_price');
  await shot(page, info, '08-review-corrected');
  const rows = String(detected.lines.length + detected.rejected.length);
  await review.getByRole('button', { name: t('imports.review.start', { rows }) }).click();

  // The result: the lines loaded, the rejected row and why.
  const result = page.getByRole('region', { name: t('imports.result.title') });
  await expect(result).toBeVisible({ timeout: 60_000 });
  const terms = await result.getByRole('term').allInnerTexts();
  const values = await result.getByRole('definition').allInnerTexts();
  const summary = Object.fromEntries(terms.map((term, i) => [term, values[i]]));
  expect(summary[t('imports.result.lines')]).toBe(String(corrected.lines.length));
  expect(summary[t('imports.result.rejected')]).toBe(String(corrected.rejected.length));
  for (const { row, column, value } of corrected.rejected) {
    await expect(page.getByRole('row').filter({ hasText: value }).getByRole('cell')).toHaveText([
      String(row),
      column,
      value,
      sentence(t('imports.reason.notDate')),
    ]);
  }
  await shot(page, info, '09-import-result');

  // The result leads to the dashboard over the file's days.
  await result.getByRole('link', { name: t('imports.toDashboard') }).click();
  await expect(page.getByRole('heading', { level: 1, name: t('dashboard.title', { name: company.name }) })).toBeVisible();
  expect(new URL(page.url()).search).toBe(FILE_RANGE);
  await dashboardDrawn(page);
  await expectFileFigures(page, info);
  await shot(page, info, '10-dashboard');
});

test('a viewer, invited by the owner, sees the same figures and no upload or settings', async ({ page, browser }, info) => {
  const t = words(info);
  // The owner invites from the team page, in a browser of her own (closed in all cases: see auth.spec.ts).
  const ownerContext = await browser.newContext();
  try {
    const ownerPage = await ownerContext.newPage();
    const ownerErrors = watchForErrors(ownerPage);
    await signIn(ownerPage, info, owner.email, { landsOn: t('dashboard.title', { name: company.name }) });
    // On the way: the import created the file's other branch beside hers.
    await sections(ownerPage, info).getByRole('link', { name: t('companyNav.settings') }).click();
    const locations = ownerPage.getByRole('region', { name: t('settings.locations') });
    for (const name of [company.location, 'Sucursal Ñuñoa']) await expect(locations.getByRole('heading', { name, exact: true })).toBeVisible();
    await shot(ownerPage, info, '11-settings');
    await sections(ownerPage, info).getByRole('link', { name: t('companyNav.team') }).click();
    const invite = ownerPage.getByRole('region', { name: t('team.invite') });
    await invite.getByLabel(t('field.email')).fill(viewer.email);
    await invite.getByLabel(t('team.invite.role')).selectOption({ label: t('role.viewer') });
    await invite.getByRole('button', { name: t('team.invite.submit') }).click();
    await expect(invite.getByText(t('team.invite.sent', { email: viewer.email }))).toBeVisible();
    await shot(ownerPage, info, '12-team-invited');
    expect(ownerErrors, 'CSP violations or page errors').toEqual([]);
  } finally {
    await ownerContext.close();
  }

  // The invited person has no account: the emailed link, then registration, confirmation, sign in, accept.
  await page.goto(await waitForLink(viewer.email, '/invitations/accept'));
  await expect(page.getByText(t('invitation.signedOut'))).toBeVisible();
  await shot(page, info, 'viewer-00-invitation');
  await page.getByRole('main').getByRole('link', { name: t('invitation.register') }).click();
  await expect(page.getByText(t('invitation.hint.register'))).toBeVisible();
  await registerAndVerify(page, info, viewer.email, viewer.name, 'viewer-');
  await signIn(page, info, viewer.email, { landsOn: t('invitation.title') });
  await page.getByRole('button', { name: t('invitation.accept') }).click();
  await expect(page.getByText(t('invitation.accepted', { company: company.name, role: t('role.viewer') }))).toBeVisible();
  await shot(page, info, 'viewer-04-accepted');
  await page.getByRole('main').getByRole('link', { name: t('invitation.goCompany', { company: company.name }) }).click();

  // The sections a viewer has: the dashboard and the team, nothing to upload or set.
  const nav = sections(page, info);
  await expect(nav.getByRole('link', { name: t('companyNav.dashboard') })).toBeVisible();
  await expect(nav.getByRole('link', { name: t('companyNav.team') })).toBeVisible();
  await expect(nav.getByRole('link')).toHaveCount(2);
  await dashboardDrawn(page);
  await shot(page, info, '13-viewer-home');

  // Typed addresses get the page that says the role may not open them.
  for (const [path, name] of [['imports', '14-viewer-imports'], ['settings', '15-viewer-settings']] as const) {
    await page.goto(`/c/${company.id}/${path}`);
    await expect(page.getByRole('heading', { name: t('forbidden.title') })).toBeVisible();
    await expect(page.getByText(t('forbidden.body', { company: company.name, role: t('role.viewer') }))).toBeVisible();
    await expect(page.getByLabel(t('imports.upload.pick'))).toHaveCount(0);
    await shot(page, info, name);
  }

  await openFileDashboard(page);
  await expectFileFigures(page, info);
  // Nothing to export either: downloads are for analysts and above.
  await expect(page.getByRole('button', { name: t('dashboard.csv') })).toHaveCount(0);
  await shot(page, info, '16-viewer-dashboard');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

  test('the dashboard is one column, with no sideways scroll, its key figures shown', async ({ page }, info) => {
    const t = words(info);
    await signIn(page, info, owner.email, { landsOn: t('dashboard.title', { name: company.name }) });
    await openFileDashboard(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // Every section below the one before it, over the width of the screen.
    const metric = t('dashboard.metric.revenue');
    const names = [
      t('dashboard.filters'),
      t('dashboard.kpis'),
      t('dashboard.trend.title', { metric }),
      t('dashboard.byLocation', { metric }),
      t('dashboard.heatmap.title', { metric }),
      t('dashboard.topProducts', { metric: metric.toLowerCase() }),
      t('dashboard.topCategories', { metric: metric.toLowerCase() }),
      t('dashboard.calendar.title', { year: '2025' }),
    ];
    const boxes = [];
    for (const name of names) {
      const box = await page.getByRole('region', { name, exact: true }).boundingBox();
      expect(box, name).not.toBeNull();
      boxes.push({ name, ...box! });
    }
    for (const [i, box] of boxes.entries()) {
      expect(box.x + box.width, box.name).toBeLessThanOrEqual(360);
      expect(Math.abs(box.x - boxes[0]!.x), box.name).toBeLessThanOrEqual(1);
      if (i > 0) expect(box.y, `${box.name} below ${boxes[i - 1]!.name}`).toBeGreaterThanOrEqual(boxes[i - 1]!.y + boxes[i - 1]!.height - 1);
    }

    // The key figures, within the screen's width: the file's revenue and tickets first.
    const cards = page.getByRole('region', { name: t('dashboard.kpis') }).getByRole('listitem');
    await expect(cards.first()).toBeVisible();
    await expect(cards.first()).toContainText(pesos(expected.revenue));
    await expect(cards.nth(1)).toContainText(String(expected.tickets));
    for (const card of await cards.all()) {
      const box = await card.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    }

    // A tap shows a list as a table, which scrolls inside its own box if it must, never the page.
    const products = page.getByRole('region', { name: t('dashboard.topProducts', { metric: metric.toLowerCase() }) });
    await products.getByRole('button', { name: t('dashboard.showTable') }).tap();
    await expect(products.getByRole('table')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(page, info, '17-phone-dashboard');
  });
});
