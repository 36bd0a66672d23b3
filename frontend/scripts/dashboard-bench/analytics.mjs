/*
 * A stand-in for the API behind the dashboard, for run.mjs here and the smoke suite (e2e/smoke.spec.ts): a
 * signed-in session, one company with four locations and deterministic sales up to 2026-11-30, and the five
 * analytics reads answering in the API's shapes. Every analytics answer carries an ETag and `Cache-Control:
 * private, no-cache` as the API's do, and an If-None-Match that matches gets a 304, so the bench can see the
 * browser revalidate.
 */
import { createHash } from 'node:crypto';

const COMPANY = {
  id: 'c1', name: 'Panadería Sur', rut: null, industry: 'bakery', country: 'CL', timezone: 'America/Santiago',
  currency: 'CLP', benchmarking_opt_in: true, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z',
  role: 'owner',
};
const LOCATIONS = ['Centro', 'Providencia', 'Ñuñoa', 'Maipú'].map((name, i) => ({
  id: `00000000-0000-4000-8000-00000000000${i + 1}`, name, code: `L${i + 1}`, address: null, comuna: null, region: null,
  archived_at: i === 3 ? '2026-06-01T00:00:00Z' : null,
}));
const DATA_THROUGH = '2026-11-30';
const DAY_MS = 86_400_000;

const day = (text) => Date.parse(`${text}T00:00:00Z`);
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
/** A day's revenue: a weekly rhythm, a yearly season and a little noise, nothing after DATA_THROUGH. */
function revenue(ms) {
  if (ms > day(DATA_THROUGH) || ms < day('2023-01-01')) return 0;
  const weekday = new Date(ms).getUTCDay();
  const season = 1 + 0.25 * Math.sin((2 * Math.PI * (ms / DAY_MS)) / 365);
  const noise = 0.85 + 0.3 * ((Math.sin(ms / DAY_MS) * 10_000) % 1 + 1) / 2;
  return Math.round(1_800_000 * (weekday === 0 ? 0.6 : weekday === 6 ? 1.4 : 1) * season * noise);
}
function total(from, to) {
  let sum = 0;
  for (let ms = day(from); ms <= day(to); ms += DAY_MS) sum += revenue(ms);
  return sum;
}
function comparison(from, to, compare) {
  if (compare === 'none') return null;
  if (compare === 'previous_year') return { from: `${Number(from.slice(0, 4)) - 1}${from.slice(4)}`, to: `${Number(to.slice(0, 4)) - 1}${to.slice(4)}` };
  const days = (day(to) - day(from)) / DAY_MS + 1;
  return { from: iso(day(from) - days * DAY_MS), to: iso(day(to) - days * DAY_MS) };
}
const pct = (value, previous) => (previous ? Math.round(((value - previous) / Math.abs(previous)) * 1000) / 10 : null);
const meta = { margin_coverage_pct: 92.4, notes: [] };

function periodStart(ms, grain) {
  const d = new Date(ms);
  if (grain === 'day') return ms;
  if (grain === 'week') return ms - ((d.getUTCDay() + 6) % 7) * DAY_MS;
  if (grain === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  if (grain === 'quarter') return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

function range(q) {
  const to = q.get('to') ?? DATA_THROUGH;
  const from = q.get('from') ?? iso(day(to) - 29 * DAY_MS);
  return { from, to, compare: comparison(from, to, q.get('compare') ?? 'previous_period') };
}

const answers = {
  overview(q) {
    const { from, to, compare } = range(q);
    const value = total(from, to);
    const previous = compare ? total(compare.from, compare.to) : null;
    const figure = (v, p) => ({ value: v, previous: compare ? p : null, change_pct: compare ? pct(v, p) : null });
    const tickets = Math.round(value / 9_000);
    const before = previous && Math.round(previous / 9_000);
    return {
      currency: 'CLP', from, to, compare, data_through: DATA_THROUGH, meta,
      metrics: {
        revenue: figure(value, previous), tickets: figure(tickets, before), avg_ticket: figure(9_000, 8_800),
        units: figure(tickets * 3, before && before * 3), units_per_ticket: figure(3, 2.9),
        gross_margin: figure(Math.round(value * 0.38), previous && Math.round(previous * 0.37)), margin_pct: figure(38, 37),
        discounts: figure(Math.round(value * 0.02), previous && Math.round(previous * 0.03)),
        returns: figure(Math.round(value * 0.01), previous && Math.round(previous * 0.01)),
        customers: { value: null, previous: null, change_pct: null },
      },
    };
  },
  timeseries(q) {
    const { from, to, compare } = range(q);
    const grain = q.get('grain') ?? 'day';
    const shift = compare ? day(from) - day(compare.from) : 0;
    const points = new Map();
    for (let ms = day(from); ms <= day(to); ms += DAY_MS) {
      const start = iso(periodStart(ms, grain));
      const point = points.get(start) ?? { period_start: start, value: 0, previous: compare ? 0 : null };
      point.value += revenue(ms);
      if (compare) point.previous += revenue(ms - shift);
      points.set(start, point);
    }
    return { currency: 'CLP', metric: q.get('metric') ?? 'revenue', grain, from, to, compare, points: [...points.values()], meta };
  },
  breakdown(q) {
    const { from, to, compare } = range(q);
    const whole = total(from, to);
    const before = compare ? total(compare.from, compare.to) : 0;
    const by = q.get('by');
    const names = by === 'location' ? LOCATIONS.map((l) => l.name) : Array.from({ length: by === 'product' ? 240 : 18 }, (_, i) => `${by} ${i + 1}`);
    const weights = names.map((_, i) => 1 / (i + 2));
    const sum = weights.reduce((a, b) => a + b, 0);
    const rows = names.map((label, i) => {
      const value = Math.round((whole * weights[i]) / sum);
      const previous = compare ? Math.round((before * weights[i] * (1 + (i % 3) / 20)) / sum) : null;
      return { key: by === 'location' ? LOCATIONS[i].id : `k${i}`, label, value, share_pct: Math.round((weights[i] / sum) * 1000) / 10, previous, change_pct: compare ? pct(value, previous) : null };
    });
    const limit = Number(q.get('limit') ?? 10);
    const rest = rows.slice(limit);
    const others = rest.length
      ? { keys: rest.length, value: rest.reduce((a, r) => a + r.value, 0), share_pct: Math.round(rest.reduce((a, r) => a + r.share_pct, 0) * 10) / 10, previous: compare ? rest.reduce((a, r) => a + r.previous, 0) : null, change_pct: null }
      : null;
    return { currency: 'CLP', metric: q.get('metric') ?? 'revenue', by, from, to, compare, rows: rows.slice(0, limit), others, meta };
  },
  heatmap(q) {
    const { from, to } = range(q);
    const cells = Array.from({ length: 7 }, (_, weekday) =>
      Array.from({ length: 24 }, (_, hour) => (hour < 8 || hour > 21 ? 0 : Math.round(90_000 * (1 + Math.sin(hour / 3)) * (weekday === 5 ? 1.5 : 1)))),
    );
    return { currency: 'CLP', metric: q.get('metric') ?? 'revenue', from, to, days: [52, 52, 52, 52, 52, 52, 53], cells, meta };
  },
  calendar(q) {
    const year = Number(q.get('year') ?? DATA_THROUGH.slice(0, 4));
    const months = Array.from({ length: 12 }, (_, m) => {
      const first = Date.UTC(year, m, 1);
      const last = Date.UTC(year, m + 1, 0);
      if (first > day(DATA_THROUGH)) return { month: iso(first), revenue: null, vs_previous_month_pct: null, vs_previous_year_pct: null, trend: null };
      const value = total(iso(first), iso(last));
      const before = total(iso(Date.UTC(year - 1, m, 1)), iso(Date.UTC(year - 1, m + 1, 0)));
      const change = pct(value, before);
      const trend = change === null ? null : change > 5 ? 'up' : change < -5 ? 'down' : 'flat';
      return { month: iso(first), revenue: value, vs_previous_month_pct: null, vs_previous_year_pct: change, trend };
    });
    return { currency: 'CLP', year, months, last_month: '2026-11-01', last_day: DATA_THROUGH };
  },
};

/** Answers one API request: [status, headers, body] (null when the path is not the API's). */
export function answer(method, url, headers) {
  const { pathname, searchParams } = new URL(url, 'http://bench');
  const path = pathname.replace(/^\/api\/v1/, '');
  const json = (body, extra = {}) => [200, { 'Content-Type': 'application/json', ...extra }, JSON.stringify(body)];
  if (method === 'POST' && path === '/auth/refresh') return json({ access_token: 'bench', refresh_token: 'r', token_type: 'bearer', expires_in: 86_400 });
  if (path === '/auth/me') return json({ id: 'u1', email: 'ana@tienda.cl', full_name: 'Ana', email_verified: true, created_at: '2025-01-01T00:00:00Z' });
  if (path === '/companies') return json({ items: [COMPANY] });
  if (path === `/companies/${COMPANY.id}/locations`) return json({ items: LOCATIONS });
  const read = path.match(/^\/companies\/c1\/analytics\/(\w+)$/)?.[1];
  if (!read || !answers[read]) return null;
  const tag = `W/"${createHash('sha256').update(url).digest('hex').slice(0, 32)}"`;
  const cache = { ETag: tag, 'Cache-Control': 'private, no-cache' };
  if (headers['if-none-match'] === tag) return [304, cache, ''];
  return json(answers[read](searchParams), cache);
}
