import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests, driving Debian's Chromium (playwright-core never downloads a browser here).
 *   npm run test:e2e        against the real stack at AYNI_E2E_URL (API serving the built app at /),
 *                           reading emails from AYNI_E2E_MAILDIR (one .eml file per message)
 *                           and, with AYNI_E2E_SITE_URL, the deployed shape: the app on a static host (another site)
 *                           that forwards /api/ to that API (tests/e2e/site.py), as render.yaml sets up
 *   npm run test:e2e:smoke  against `vite preview` of the build, API mocked at the network layer
 */
const smoke = process.env.AYNI_E2E_SMOKE === '1';
const baseURL = process.env.AYNI_E2E_URL?.replace(/\/+$/, '');
const siteURL = process.env.AYNI_E2E_SITE_URL?.replace(/\/+$/, '');

if (!smoke && !baseURL) {
  console.error(
    'test:e2e needs the running stack: set AYNI_E2E_URL (e.g. http://127.0.0.1:8000, the API serving frontend/dist at /)\n' +
      'and AYNI_E2E_MAILDIR (the directory where the SMTP sink writes one .eml file per message).\n' +
      'Without a backend, `npm run test:e2e:smoke` checks the built app against `vite preview`.',
  );
  process.exit(2);
}

/**
 * Each run writes its artifacts (traces, failure screenshots) to its own folder. Playwright empties `outputDir`
 * when a run starts and deletes the worker's `.playwright-artifacts-N` folder when it ends, so two runs sharing
 * one folder (the smoke suite beside the real one, two sessions in one checkout) delete each other's live trace
 * files mid-test: `ENOENT ... copyfile .../traces/....network` when a context closes.
 * The name is fixed once in the runner; its workers inherit it through the environment.
 */
const RUNS = './test-results/runs';
const DAY_MS = 24 * 60 * 60 * 1000;
if (!process.env.AYNI_E2E_RUN) {
  process.env.AYNI_E2E_RUN = `${smoke ? 'smoke' : 'e2e'}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  // Old runs' folders go; anything younger than a day may still be in use.
  try {
    for (const name of readdirSync(RUNS)) {
      const dir = join(RUNS, name);
      if (Date.now() - statSync(dir).mtimeMs > DAY_MS) rmSync(dir, { recursive: true, force: true });
    }
  } catch {
    // no runs yet
  }
}
const outputDir = `${RUNS}/${process.env.AYNI_E2E_RUN}`;

const executablePath = process.env.AYNI_CHROMIUM ?? '/usr/bin/chromium';
const launchOptions = {
  executablePath,
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
const desktop = { ...devices['Desktop Chrome'], channel: undefined, launchOptions, viewport: { width: 1280, height: 800 } };
const phone = {
  ...desktop,
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'es-CL',
};

export default defineConfig({
  testDir: './e2e',
  outputDir,
  fullyParallel: false,
  // Two files at a time: session-expiry.spec.ts waits over a minute for an access token to expire, doing nothing;
  // the other files run meanwhile. Each test registers users of its own (uniqueEmail), so none sees another's data.
  workers: 2,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  // The list as it runs; and an HTML report with every page's screenshot attached (e2e/helpers.ts `shot`), which CI
  // keeps as an artifact.
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: smoke ? 'http://127.0.0.1:4173' : baseURL,
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: smoke
    ? [
        { name: 'smoke', testMatch: /smoke\.spec\.ts/, use: desktop },
        { name: 'smoke-phone', testMatch: /smoke\.spec\.ts/, use: phone },
      ]
    : [
        { name: 'desktop', testMatch: /(auth|session-expiry)\.spec\.ts/, use: desktop },
        // Issue 15's product in Spanish (Chile), as its owners use it: a file of its own, beside session-expiry.
        { name: 'product', testMatch: /product\.spec\.ts/, use: { ...desktop, locale: 'es-CL', timezoneId: 'America/Santiago' } },
        { name: 'invitations', testMatch: /invitations\.spec\.ts/, use: desktop },
        { name: 'phone', testMatch: /phone\.spec\.ts/, use: phone },
        { name: 'api-docs', testMatch: /apidocs\.spec\.ts/, use: desktop },
        ...(siteURL ? [{ name: 'one-site', testMatch: /one-site\.spec\.ts/, use: { ...desktop, baseURL: siteURL } }] : []),
      ],
  webServer: smoke
    ? {
        command: 'npx vite preview --host 127.0.0.1 --port 4173 --strictPort',
        url: 'http://127.0.0.1:4173/',
        reuseExistingServer: false,
        timeout: 60_000,
      }
    : undefined,
});
