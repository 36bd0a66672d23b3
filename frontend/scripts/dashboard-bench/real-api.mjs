#!/usr/bin/env node
/*
 * The dashboard in Chromium against a running Ayni that serves the built web app (bench/run's `dashboard` phase):
 *
 *   node scripts/dashboard-bench/real-api.mjs BASE EMAIL PASSWORD COMPANY_ID FROM TO [RUNS]
 *
 * Each run opens a fresh browser context (no HTTP cache), signs in through the API (which sets the refresh cookie
 * the app restores its session with), then measures in the page:
 *   load    navigation start -> `data-dashboard-ready="true"` on /c/COMPANY_ID for FROM..TO by day: the session
 *           restored, the user and companies read, every chart and list drawn
 *   switch  a period chosen in the picker (last year, then this year) -> ready again
 * Prints one JSON line: {"load_ms": [...], "switch_ms": [...], "errors": [...]}.
 */
import { chromium } from '@playwright/test';
import { choosePeriod, readyAfter, watchReady } from './ready.mjs';

const [base, email, password, company, from, to, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg ?? '5');
const START = `/c/${company}?period=custom&from=${from}&to=${to}&grain=day`;
const SWITCHES = ['last-year', 'this-year'];


const browser = await chromium.launch({
  executablePath: process.env.AYNI_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const result = { load_ms: [], switch_ms: [], errors: [] };
try {
  for (let run = 0; run < RUNS; run += 1) {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, locale: 'es-CL' });
    const signedIn = await context.request.post('/api/v1/auth/login', { data: { email, password } });
    if (!signedIn.ok()) throw new Error(`sign-in answered ${signedIn.status()}: ${await signedIn.text()}`);
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && result.errors.push(m.text()));
    page.on('pageerror', (e) => result.errors.push(String(e)));
    await page.addInitScript(watchReady);
    await page.goto(START);
    result.load_ms.push(await readyAfter(page, 0, 60_000));
    for (const preset of SWITCHES) {
      const start = await choosePeriod(page, preset);
      result.switch_ms.push((await readyAfter(page, start, 60_000)) - start);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
