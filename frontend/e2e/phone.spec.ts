import { expect, test } from '@playwright/test';
import { registerAndVerify, shot, signIn, uniqueEmail, watchForErrors, words } from './helpers';

/** One run at 375x812, in Spanish (Chile): the main path fits a phone with no sideways scroll. */
test('phone: register, verify, sign in, status, account, sign out', async ({ page }, info) => {
  const t = words(info);
  const errors = watchForErrors(page);
  const email = uniqueEmail('phone');
  const noSideScroll = async () =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

  await registerAndVerify(page, info, email, 'Camila Rojas');
  await noSideScroll();
  await signIn(page, info, email);
  await expect(page.getByRole('heading', { name: t('onboarding.title', { name: 'Camila Rojas' }) })).toBeVisible();
  await noSideScroll();
  await shot(page, info, '04-home');
  await page.getByRole('link', { name: t('nav.status') }).click();
  await expect(page.getByTestId('overall-status')).toBeVisible();
  await noSideScroll();
  await shot(page, info, '06-status');
  await page.getByRole('link', { name: t('nav.account') }).click();
  await expect(page.getByRole('heading', { name: t('account.title') })).toBeVisible();
  await noSideScroll();
  await shot(page, info, '09-account');
  await page.getByRole('button', { name: t('account.signOut'), exact: true }).click();
  await expect(page.getByRole('heading', { name: t('signIn.title') })).toBeVisible();
  await shot(page, info, '10-signed-out');
  expect(errors).toEqual([]);
});
