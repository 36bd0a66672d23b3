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

export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}/${info.project.name}-${name}.png`, fullPage: true });
}

export function uniqueEmail(tag: string): string {
  return `e2e-${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export const PASSWORD = 'correct-horse-battery-9';

/** Register through the UI, open the verification link from the captured email. */
export async function registerAndVerify(page: Page, info: TestInfo, email: string, name: string): Promise<void> {
  const t = words(info);
  await page.goto('/register');
  await page.getByLabel(t('field.fullName')).fill(name);
  await page.getByLabel(t('field.email')).fill(email);
  await page.getByLabel(t('field.password'), { exact: true }).fill(PASSWORD);
  await shot(page, info, '01-register');
  await page.getByRole('button', { name: t('register.submit') }).click();
  await expect(page.getByRole('heading', { name: t('checkEmail.title') })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await shot(page, info, '02-check-your-email');
  const link = await waitForLink(email, '/verify-email');
  await page.goto(link);
  await expect(page.getByText(t('verify.done'))).toBeVisible();
  await shot(page, info, '03-email-verified');
}

export async function signIn(page: Page, info: TestInfo, email: string, password = PASSWORD): Promise<void> {
  const t = words(info);
  await page.goto('/sign-in');
  await page.getByLabel(t('field.email')).fill(email);
  await page.getByLabel(t('field.password'), { exact: true }).fill(password);
  await page.getByRole('button', { name: t('signIn.submit') }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^(Hello|Hola)/);
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
