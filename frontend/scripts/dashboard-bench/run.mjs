#!/usr/bin/env node
/*
 * The dashboard in Chromium, with each chart library (docs/web-dashboard.md "Chart library"):
 *
 *   node scripts/dashboard-bench/run.mjs [--runs 5] [--shots DIR]
 *
 * Builds the web app twice into a temporary folder, with uPlot (the app's TimeChart) and with Chart.js
 * (ChartJsTimeChart.tsx here, swapped in by an alias); reports each build's gzipped dashboard chunk; serves each
 * build with the static site's security headers next to a stand-in API (analytics.mjs); then, in a fresh browser
 * context per run, measures in the page:
 *   load    navigation start -> `data-dashboard-ready="true"` on /c/c1 for a year of daily points
 *   switch  a period chosen in the picker (another year of days, not cached) -> ready again
 *   chart   the chart alone: "see as table" off again, which mounts a new chart on the same data, until drawn
 *           (React's commit and every microtask after it: uPlot draws in one, Chart.js in its constructor)
 * at full speed and with the CPU slowed 4x (a mid-range phone). It also reloads once and counts the analytics
 * answers that came back 304 (the browser revalidating with If-None-Match), and fails on any console error
 * (a CSP violation included). With --shots it saves screenshots at 1280 and 360 px wide.
 */
/* global window, document */ // functions passed to page.evaluate run in the page
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { choosePeriod, readyAfter, watchReady } from './ready.mjs';
import { build } from 'vite';
import { answer } from './analytics.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const RUNS = Number(option('--runs', '5'));
const SHOTS = option('--shots', null);
const START = '/c/c1?period=custom&from=2024-12-01&to=2025-11-30&grain=day';
const SWITCHES = ['last-year', 'this-year'];

async function buildWith(name, alias) {
  const outDir = join(work, name);
  await build({ root, logLevel: 'warn', resolve: { alias }, build: { outDir, emptyOutDir: true } });
  const assets = readdirSync(join(outDir, 'assets'));
  const gzip = (prefix) => {
    const file = assets.find((f) => f.startsWith(prefix) && f.endsWith('.js'));
    return gzipSync(readFileSync(join(outDir, 'assets', file))).length / 1000;
  };
  return { name, outDir, dashboardKb: gzip('Dashboard-'), initialKb: gzip('index-') };
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
const security = JSON.parse(readFileSync(join(root, 'security-headers.json'), 'utf8')).headers;
delete security['Strict-Transport-Security'];
security['Content-Security-Policy'] = security['Content-Security-Policy'].replace(' {API_ORIGIN}', '');

function serve(outDir, log) {
  const server = createServer((req, res) => {
    if (req.url.startsWith('/api/')) {
      const answered = answer(req.method, req.url, req.headers);
      log.push({ url: req.url, status: answered?.[0] ?? 404 });
      if (!answered) return res.writeHead(404).end();
      const [status, headers, body] = answered;
      return res.writeHead(status, headers).end(body);
    }
    const path = req.url.split('?')[0];
    let file = join(outDir, path);
    if (!extname(path)) file = join(outDir, 'index.html');
    try {
      const body = readFileSync(file);
      res.writeHead(200, { ...security, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}


async function measure(browser, base, cpu, errors) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CL' });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(watchReady);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  await page.goto(base + START);
  const load = await readyAfter(page, 0);
  const switches = [];
  for (const preset of SWITCHES) {
    const start = await choosePeriod(page, preset);
    switches.push((await readyAfter(page, start)) - start);
  }
  const charts = [];
  for (let i = 0; i < 5; i += 1) {
    charts.push(
      await page.evaluate(async () => {
        const toggle = document.querySelector('.dash-trend .dash-toggle');
        toggle.click();
        await new Promise((done) => setTimeout(done));
        const at = performance.now();
        toggle.click();
        await new Promise((done) => setTimeout(done));
        return performance.now() - at;
      }),
    );
  }
  await context.close();
  return { load, switches, charts };
}

async function revalidation(browser, base, log) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(watchReady);
  await page.goto(base + START);
  await readyAfter(page, 0);
  log.length = 0;
  await page.reload();
  await readyAfter(page, 0);
  const analytics = log.filter((entry) => entry.url.includes('/analytics/'));
  await context.close();
  return { requests: analytics.length, notModified: analytics.filter((entry) => entry.status === 304).length };
}

async function screenshots(browser, base) {
  for (const [width, name] of [[1280, 'desktop'], [360, 'phone']]) {
    const context = await browser.newContext({ viewport: { width, height: 800 }, locale: 'es-CL', deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.addInitScript(watchReady);
    await page.goto(`${base}/c/c1`);
    await readyAfter(page, 0);
    await page.screenshot({ path: join(SHOTS, `dashboard-${name}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) console.warn(`${name}: the page is ${overflow}px wider than the screen`);
    await context.close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'dashboard-bench-'));
try {
  const builds = [
    await buildWith('uplot', []),
    await buildWith('chartjs', [{ find: /^\.\/TimeChart$/, replacement: fileURLToPath(new URL('./ChartJsTimeChart.tsx', import.meta.url)) }]),
  ];
  const browser = await chromium.launch({
    executablePath: process.env.AYNI_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  // Both builds served at once and measured in turns (the order alternating), so a busy moment of a shared
  // machine falls on both alike.
  const sites = [];
  for (const built of builds) {
    const log = [];
    const server = await serve(built.outDir, log);
    sites.push({ ...built, log, server, base: `http://127.0.0.1:${server.address().port}`, errors: [], runs: { 1: [], 4: [] } });
  }
  for (const cpu of [1, 4]) {
    for (let i = 0; i < RUNS; i += 1) {
      for (const site of i % 2 ? [...sites].reverse() : sites) site.runs[cpu].push(await measure(browser, site.base, cpu, site.errors));
    }
  }
  const rows = [];
  for (const site of sites) {
    const row = { name: site.name, dashboardKb: site.dashboardKb, initialKb: site.initialKb };
    for (const cpu of [1, 4]) {
      row[`load${cpu}x`] = median(site.runs[cpu].map((r) => r.load));
      row[`switch${cpu}x`] = median(site.runs[cpu].flatMap((r) => r.switches));
      row[`chart${cpu}x`] = median(site.runs[cpu].flatMap((r) => r.charts));
    }
    row.revalidation = await revalidation(browser, site.base, site.log);
    if (SHOTS && site.name === 'uplot') await screenshots(browser, site.base);
    site.server.close();
    if (site.errors.length) throw new Error(`${site.name}: errors in the page:\n${[...new Set(site.errors)].join('\n')}`);
    rows.push(row);
  }
  await browser.close();
  const ms = (v) => `${Math.round(v)} ms`;
  console.log(`\n${RUNS} runs each, medians; a year of daily points (365 + the comparison's 365)\n`);
  console.log('| library | dashboard chunk (gzip) | initial JS (gzip) | chart 1x | load 1x | switch 1x | chart 4x CPU | load 4x CPU | switch 4x CPU | reload: 304s |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const times = [r.chart1x, r.load1x, r.switch1x, r.chart4x, r.load4x, r.switch4x].map(ms).join(' | ');
    console.log(`| ${r.name} | ${r.dashboardKb.toFixed(1)} kB | ${r.initialKb.toFixed(1)} kB | ${times} | ${r.revalidation.notModified}/${r.revalidation.requests} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
