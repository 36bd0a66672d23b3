/* global window, document, MutationObserver */ // watchReady and choosePeriod run in the page
/*
 * When the dashboard is drawn, as the page says it (`data-dashboard-ready`): for run.mjs and real-api.mjs.
 */

/** Records, in the page, each change of data-dashboard-ready with the time it was drawn (an init script). */
export function watchReady() {
  window.__ready = [];
  let last = null;
  new MutationObserver(() => {
    const value = document.querySelector('[data-dashboard-ready]')?.getAttribute('data-dashboard-ready') ?? null;
    if (value === last) return;
    last = value;
    // A microtask after this one: uPlot draws in the microtask the commit queued before it.
    queueMicrotask(() => queueMicrotask(() => window.__ready.push([value, performance.now()])));
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-dashboard-ready'] });
}

/** The page's time at which it was next drawn after `since` (its performance.now()). */
export const readyAfter = (page, since, timeout = 30_000) =>
  page.waitForFunction((t) => window.__ready.find(([v, at]) => v === 'true' && at > t)?.[1], since, { timeout }).then((h) => h.jsonValue());

/** Chooses a preset in the dashboard's period picker; the page's time it was chosen at. */
export const choosePeriod = (page, preset) =>
  page.evaluate((value) => {
    const select = document.querySelector('.dash-period select');
    const at = performance.now();
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return at;
  }, preset);
