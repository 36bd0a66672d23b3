import { mkdirSync } from 'node:fs';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { dictionaries, type Lang } from '../src/shared/i18n/i18n';
import type { MessageKey } from '../src/shared/i18n/es';
import { registerAllTexts } from '../src/test/texts';
import { waitForLink } from './mail';

registerAllTexts();

export const SCREENSHOTS = 'test-results/screenshots';
mkdirSync(SCREENSHOTS, { recursive: true });

/** The UI's own words, in the language the page was opened with (from the project's locale). */
export function words(info: TestInfo): (key: MessageKey, params?: Record<string, string>) => string {
  const lang: Lang = (info.project.use.locale ?? 'en').startsWith('es') ? 'es' : 'en';
  return (key, params) => (dictionaries[lang][key] ?? key).replace(/\{(\w+)\}/g, (_, n: string) => params?.[n] ?? `{${n}}`);
}

/** A screenshot of the whole page, kept in SCREENSHOTS and attached to the test's report. */
export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = `${SCREENSHOTS}/${info.project.name}-${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

export function uniqueEmail(tag: string): string {
  return `e2e-${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export const PASSWORD = 'correct-horse-battery-9';

/**
 * Register through the UI (on the form already open, when a link led there, else at /register), open the
 * verification link from the captured email. `shots` prefixes the screenshots' names (two users in one project).
 */
export async function registerAndVerify(page: Page, info: TestInfo, email: string, name: string, shots = ''): Promise<void> {
  const t = words(info);
  if (new URL(page.url()).pathname !== '/register') await page.goto('/register');
  await page.getByLabel(t('field.fullName')).fill(name);
  await page.getByLabel(t('field.email')).fill(email);
  await page.getByLabel(t('field.password'), { exact: true }).fill(PASSWORD);
  await shot(page, info, `${shots}01-register`);
  await page.getByRole('button', { name: t('register.submit') }).click();
  await expect(page.getByRole('heading', { name: t('checkEmail.title') })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await shot(page, info, `${shots}02-check-your-email`);
  const link = await waitForLink(email, '/verify-email');
  await page.goto(link);
  await expect(page.getByText(t('verify.done'))).toBeVisible();
  await shot(page, info, `${shots}03-email-verified`);
}

/**
 * Sign in at /sign-in and wait for the page the app sends the user to: by default the greeting of someone
 * without a company (`landsOn`: the title of another, e.g. a company's dashboard or a waiting invitation).
 */
export async function signIn(
  page: Page,
  info: TestInfo,
  email: string,
  { password = PASSWORD, landsOn = /^(Hello|Hola)/ }: { password?: string; landsOn?: string | RegExp } = {},
): Promise<void> {
  const t = words(info);
  await page.goto('/sign-in');
  await page.getByLabel(t('field.email')).fill(email);
  await page.getByLabel(t('field.password'), { exact: true }).fill(password);
  await page.getByRole('button', { name: t('signIn.submit') }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(landsOn);
}

/** A valid Chilean RUT nobody else uses (companies' RUTs are unique): random body, mod-11 check digit. */
export function uniqueRut(): string {
  const body = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
  let sum = 0;
  [...body].reverse().forEach((digit, i) => {
    sum += Number(digit) * (2 + (i % 6));
  });
  const dv = 11 - (sum % 11);
  return `${body}-${dv === 11 ? '0' : dv === 10 ? 'K' : String(dv)}`;
}

/** Fails the test if the page breaks its Content-Security-Policy or throws. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
}
