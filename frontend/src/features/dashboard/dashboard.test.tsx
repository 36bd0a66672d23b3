import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, json, myCompany, problem, renderApp, signedInRoutes, type FakeRequest, type Handler } from '@/test/fakeApi';

/*
 * The dashboard against the fake API, on the company's clock: 1 December 2026 at 09:00 in Santiago, so "last 30
 * days" is 1 to 30 November 2026. uPlot draws on a canvas jsdom does not have: src/test/setup.ts gives every test
 * a 2D context that draws nothing (the figures are checked in the chart's table and in uPlot's legend).
 */
const NOW = new Date('2026-12-01T12:00:00Z');


/** What a person reads: Intl puts no-break spaces in some patterns ("CLP 1,234"). */
const text = (element: Element | null | undefined) => (element?.textContent ?? '').replace(/[\u00a0\u202f]/g, ' ');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

const LOCATIONS = [
  { id: 'l1', name: 'Centro', code: 'C1', address: null, comuna: null, region: null, archived_at: null },
  { id: 'l2', name: 'Providencia', code: 'C2', address: null, comuna: null, region: null, archived_at: null },
  { id: 'l3', name: 'Maipú', code: 'C3', address: null, comuna: null, region: null, archived_at: '2026-06-01T00:00:00Z' },
];
const meta = { margin_coverage_pct: 92.4, notes: [] as { metric: string; reason: string; detail: string }[] };
const figure = (value: number | null, previous: number | null, change_pct: number | null) => ({ value, previous, change_pct });

/** The comparison range the API would give for the asked one (enough for these tests). */
function compared(q: URLSearchParams) {
  const compare = q.get('compare');
  if (compare === 'none') return null;
  return compare === 'previous_year' ? { from: '2025-11-01', to: '2025-11-30' } : { from: '2026-10-02', to: '2026-10-31' };
}
const span = (q: URLSearchParams) => ({ currency: 'CLP', from: q.get('from') ?? '2026-11-01', to: q.get('to') ?? '2026-11-30', compare: compared(q) });

function overview(q: URLSearchParams, dataThrough: string | null = '2026-11-30') {
  const none = q.get('compare') === 'none';
  const f = (value: number | null, previous: number | null, change: number | null) => (none ? figure(value, null, null) : figure(value, previous, change));
  return {
    ...span(q),
    data_through: dataThrough,
    meta,
    metrics: {
      revenue: f(48210990, 45102330, 6.9),
      tickets: f(5120, 4987, 2.7),
      avg_ticket: f(9416, 9044, 4.1),
      units: f(15360.5, 15360.5, 0),
      units_per_ticket: f(3, 0, null),
      gross_margin: f(17982699, 16012000, 12.3),
      margin_pct: f(37.3, 35.5, 5.1),
      discounts: f(950000, 1100000, -13.6),
      returns: f(1200000, 1000000, 20),
      customers: figure(null, null, null),
    },
  };
}

function timeseries(q: URLSearchParams) {
  const grain = q.get('grain') ?? 'day';
  const starts = grain === 'week' ? ['2026-10-26', '2026-11-02', '2026-11-09'] : ['2026-11-01', '2026-11-02', '2026-11-03'];
  const none = q.get('compare') === 'none';
  return {
    ...span(q),
    metric: q.get('metric') ?? 'revenue',
    grain,
    points: starts.map((period_start, i) => ({ period_start, value: [1500000, 0, 2250000][i]!, previous: none ? null : [1400000, 1300000, null][i]! })),
    meta,
  };
}

function breakdown(q: URLSearchParams) {
  const by = q.get('by');
  const base = { ...span(q), metric: q.get('metric') ?? 'revenue', by, meta };
  if (by === 'location') {
    return {
      ...base,
      rows: [
        { key: 'l1', label: 'Centro', value: 30000000, share_pct: 62.2, previous: 28000000, change_pct: 7.1 },
        { key: 'l2', label: 'Providencia', value: 18210990, share_pct: 37.8, previous: 18500000, change_pct: -1.6 },
      ],
      others: null,
    };
  }
  if (by === 'product') {
    return {
      ...base,
      rows: [{ key: 'p1', label: 'Pan amasado', value: 2180433, share_pct: 4.5, previous: 2011302, change_pct: 8.4 }],
      others: { keys: 1497, value: 46030557, share_pct: 95.5, previous: 43091028, change_pct: 6.8 },
    };
  }
  return {
    ...base,
    rows: [
      { key: 'Panadería', label: 'Panadería', value: 40000000, share_pct: 83, previous: 38000000, change_pct: 5.3 },
      { key: '', label: null, value: 8210990, share_pct: 17, previous: 7102330, change_pct: 15.6 },
    ],
    others: null,
  };
}

function heatmap(q: URLSearchParams) {
  const cells = Array.from({ length: 7 }, (_, day) => Array.from({ length: 24 }, (_, hour) => (hour >= 9 && hour <= 20 ? (day + 1) * 1000 + hour : 0)));
  return { currency: 'CLP', metric: q.get('metric') ?? 'revenue', from: q.get('from'), to: q.get('to'), days: [4, 4, 4, 4, 4, 5, 5], cells, meta };
}

function calendar(q: URLSearchParams) {
  const year = Number(q.get('year'));
  const month = (m: number, revenue: number | null, pct: number | null, trend: string | null) => ({
    month: `${year}-${String(m).padStart(2, '0')}-01`,
    revenue,
    vs_previous_month_pct: null,
    vs_previous_year_pct: pct,
    trend,
  });
  return {
    currency: 'CLP',
    year,
    months: [
      month(1, 47110020, 6.1, 'up'),
      month(2, 40000000, -12.4, 'down'),
      month(3, 45000000, 2.1, 'flat'),
      ...Array.from({ length: 7 }, (_, i) => month(i + 4, 45000000, 0, 'flat')),
      month(11, 30000000, null, null),
      month(12, null, null, null),
    ],
    last_month: `${year}-10-01`,
    last_day: `${year}-11-20`,
  };
}

const ANALYTICS = { overview, timeseries, breakdown, heatmap, calendar };
type Read = keyof typeof ANALYTICS;

/** A signed-in member of company c1 with `role`, and the analytics answers above (each replaceable). */
function dashboardApi(role = 'analyst', replace: Partial<Record<Read | 'locations', Handler>> = {}) {
  const routes: Record<string, Handler> = {
    ...signedInRoutes(),
    'GET /companies': () => json(200, { items: [myCompany({ role })] }),
    'GET /companies/c1/locations': replace.locations ?? (() => json(200, { items: LOCATIONS })),
  };
  for (const read of Object.keys(ANALYTICS) as Read[]) {
    routes[`GET /companies/c1/analytics/${read}`] = replace[read] ?? ((req) => json(200, ANALYTICS[read](req.query)));
  }
  return fakeApi(routes);
}

const asked = (calls: FakeRequest[], read: Read) => calls.filter((c) => c.path === `/companies/c1/analytics/${read}`);
const lastQuery = (calls: FakeRequest[], read: Read) => Object.fromEntries([...(asked(calls, read).at(-1)?.query ?? [])]);
const region = (name: string | RegExp) => screen.getByRole('region', { name });
const ready = () => document.querySelector('[data-dashboard-ready]')?.getAttribute('data-dashboard-ready');

async function openDashboard(search = '', lang: 'en' | 'es' = 'en') {
  renderApp(`/c/c1${search}`, lang);
  await waitFor(() => expect(ready()).toBe('true'));
}

describe('the dashboard', () => {
  it('shows the last 30 days of the company, every figure with its change, and says when it is drawn', async () => {
    const api = dashboardApi();
    renderApp('/c/c1');
    expect(await screen.findByRole('heading', { name: 'Tienda Sur sales' })).toBeTruthy();
    await waitFor(() => expect(ready()).toBe('true'));

    for (const read of ['overview', 'timeseries', 'breakdown', 'heatmap'] as Read[]) {
      expect(lastQuery(api.calls, read)).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    }
    expect(lastQuery(api.calls, 'overview')).toEqual({ from: '2026-11-01', to: '2026-11-30', compare: 'previous_period' });
    expect(lastQuery(api.calls, 'timeseries')).toMatchObject({ metric: 'revenue', grain: 'day', compare: 'previous_period' });
    // Not compared: the API refuses `compare` there.
    expect(lastQuery(api.calls, 'heatmap')).toEqual({ from: '2026-11-01', to: '2026-11-30', metric: 'revenue' });
    expect(lastQuery(api.calls, 'calendar')).toEqual({ year: '2026' });
    expect(asked(api.calls, 'overview')[0]!.auth).toBe('Bearer access-2');
    expect(screen.getByText('01-11-2026 to 30-11-2026')).toBeTruthy();

    const kpis = within(region('Key figures of the period'));
    const card = (name: string) => kpis.getByRole('heading', { name }).closest('li') as HTMLElement;
    expect(text(card('Sales'))).toBe('SalesCLP 48,210,990▲ Up 6.9%Before: CLP 45,102,330');
    expect(text(card('Tickets'))).toContain('5,120');
    expect(text(card('Average ticket'))).toContain('CLP 9,416');
    expect(text(card('Units'))).toContain('▬ No change');
    expect(text(card('Units per ticket'))).toContain('Nothing to compare with');
    expect(text(card('Gross margin'))).toContain('37.3% margin');
    expect(text(card('Gross margin'))).toContain('Over 92.4% of sales (the lines with a cost).');
    // Direction in words and arrow; the colour says whether it is good news (returns going up is not).
    expect(within(card('Returns')).getByText('Up 20%').closest('[data-tone]')?.getAttribute('data-tone')).toBe('bad');
    expect(within(card('Discounts')).getByText('Down 13.6%').closest('[data-tone]')?.getAttribute('data-tone')).toBe('good');
    expect(kpis.queryByRole('heading', { name: 'Customers' })).toBeNull();
  });

  it('writes money and dates the Chilean way in Spanish', async () => {
    dashboardApi();
    await openDashboard('', 'es');
    const sales = within(region('Indicadores del período')).getByRole('heading', { name: 'Ventas' }).closest('li') as HTMLElement;
    expect(text(sales)).toMatch(/^Ventas\$48\.210\.990▲ Sube 6,9 ?%Antes: \$45\.102\.330$/);
    expect(screen.getByText('Del 01-11-2026 al 30-11-2026')).toBeTruthy();
    const months = within(region('Ventas de 2026 mes a mes'));
    expect(months.getByText('$47,1 M')).toBeTruthy();
    expect(months.getByRole('heading', { name: 'enero' })).toBeTruthy();
  });

  it('draws the metric over time with its comparison, as a chart and as a table', async () => {
    dashboardApi();
    await openDashboard();
    const trend = within(region('Sales over time'));
    // The table is always there for screen readers; the chart is hidden from them.
    const table = trend.getByRole('table', { name: 'Sales over time' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Period', 'This period', 'Previous period']);
    expect(within(table).getAllByRole('row').slice(1).map(text)).toEqual([
      '01-11-2026CLP 1,500,000CLP 1,400,000',
      '02-11-2026CLP 0CLP 1,300,000',
      '03-11-2026CLP 2,250,000—',
    ]);
    const chart = document.querySelector('.dash-trend .uplot') as HTMLElement;
    expect(chart.closest('[aria-hidden="true"]')).toBeTruthy();
    expect(chart.querySelector('.u-legend')?.textContent).toContain('This period');
    expect(table.closest('.visually-hidden')).toBeTruthy();

    const user = userEvent.setup();
    await user.click(trend.getByRole('button', { name: 'Show as table' }));
    expect(trend.getByRole('button', { name: 'Show as table' }).getAttribute('aria-pressed')).toBe('true');
    expect(table.closest('.dash-table')).toBeTruthy();
    expect(document.querySelector('.dash-trend .uplot')).toBeNull();
  });

  it('switches the grain, and offers no days over 3 years', async () => {
    const api = dashboardApi();
    await openDashboard();
    const user = userEvent.setup();
    await user.click(within(region('Sales over time')).getByRole('radio', { name: 'Week' }));
    await waitFor(() => expect(lastQuery(api.calls, 'timeseries').grain).toBe('week'));
    expect(window.location.search).toBe('?grain=week');
    await waitFor(() => expect(within(region('Sales over time')).getByRole('rowheader', { name: 'Week of 26-10-2026' })).toBeTruthy());

    window.history.pushState({}, '', '/c/c1?period=custom&from=2021-01-01&to=2025-12-31&grain=day');
    await act(async () => window.dispatchEvent(new PopStateEvent('popstate')));
    const day = await within(region('Sales over time')).findByRole('radio', { name: 'Day' });
    expect((day as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText('By day, the period must be shorter than 3 years.')).toBeTruthy();
    // The grain in the link is refused: the range's own grain is asked instead.
    await waitFor(() => expect(lastQuery(api.calls, 'timeseries')).toMatchObject({ from: '2021-01-01', to: '2025-12-31', grain: 'month' }));
  });

  it('lists sales by location, the top products and categories with their share, and the others', async () => {
    const api = dashboardApi();
    await openDashboard();
    const locations = within(region('Sales by location'));
    expect(text(locations.getByRole('table').querySelectorAll('tbody tr')[0])).toBe('CentroCLP 30,000,00062.2%CLP 28,000,000+7.1%');
    expect(locations.getByText('Down 1.6%')).toBeTruthy();
    const products = within(region('Top products by sales'));
    expect(products.getAllByText('Others (1,497)')).toHaveLength(2);
    expect(products.getByText('95.5% of the total')).toBeTruthy();
    expect(within(region('Top categories by sales')).getAllByText('No name')).toHaveLength(2);
    expect(lastQuery(api.calls, 'breakdown')).toMatchObject({ by: 'category', limit: '10' });

    const user = userEvent.setup();
    await user.selectOptions(products.getByLabelText('Show'), 'Top 20');
    await waitFor(() => expect(window.location.search).toBe('?top=20'));
    await waitFor(() => expect(asked(api.calls, 'breakdown').filter((c) => c.query.get('limit') === '20').map((c) => c.query.get('by')).sort()).toEqual(['category', 'product']));
  });

  it('shows when the week sells, Monday first, over the hours the shops are open', async () => {
    dashboardApi();
    await openDashboard();
    const table = within(region('Sales by weekday and hour')).getByRole('table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Hour', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
    const rows = within(table).getAllByRole('rowheader').map((h) => h.textContent);
    expect(rows[0]).toBe('09:00');
    expect(rows.at(-1)).toBe('20:00');
    expect(text(within(table).getAllByRole('row')[1])).toBe('09:00CLP 1,009CLP 2,009CLP 3,009CLP 4,009CLP 5,009CLP 6,009CLP 7,009');
    expect(document.querySelectorAll('.dash-heatmap [data-level="5"]').length).toBeGreaterThan(0);
  });

  it('shows the year month by month, up, steady or down, and goes to other years', async () => {
    const api = dashboardApi();
    await openDashboard();
    const year = within(region('2026 sales month by month'));
    const month = (name: string) => year.getByRole('heading', { name }).closest('li') as HTMLElement;
    expect(month('January').getAttribute('data-trend')).toBe('up');
    expect(month('January').textContent).toContain('▲ Up 6.1%');
    expect(month('February').textContent).toContain('▼ Down 12.4%');
    expect(month('March').textContent).toContain('Steady (+2.1%)');
    expect(month('November').textContent).toContain('No month to compare with');
    expect(month('November').textContent).toContain('Month in progress');
    expect(month('December').textContent).toBe('DecemberNo sales');
    expect(year.getByRole('button', { name: 'Show 2027' })).toHaveProperty('disabled', true);

    await userEvent.setup().click(year.getByRole('button', { name: 'Show 2025' }));
    await waitFor(() => expect(lastQuery(api.calls, 'calendar')).toEqual({ year: '2025' }));
    expect(window.location.search).toBe('?year=2025');
    expect(await screen.findByRole('region', { name: '2025 sales month by month' })).toBeTruthy();
  });
});

describe('the view lives in the URL', () => {
  it('a preset changes the query string, the requests and the range; back returns to the view before', async () => {
    const api = dashboardApi();
    await openDashboard();
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Period'), 'Last 7 days');
    expect(window.location.search).toBe('?period=last-7');
    // The same select, still focused: arrow keys may step on through the presets.
    expect(document.activeElement).toBe(screen.getByLabelText('Period'));
    await waitFor(() => expect(lastQuery(api.calls, 'overview')).toMatchObject({ from: '2026-11-24', to: '2026-11-30' }));
    await waitFor(() => expect(ready()).toBe('true'));
    await user.selectOptions(screen.getByLabelText('Compare with'), 'Previous year');
    await user.selectOptions(screen.getByLabelText('Metric'), 'Average ticket');
    expect(window.location.search).toBe('?period=last-7&compare=previous_year&metric=avg_ticket');
    await waitFor(() => expect(lastQuery(api.calls, 'timeseries')).toMatchObject({ compare: 'previous_year', metric: 'avg_ticket' }));
    expect(await screen.findByRole('region', { name: 'Average ticket over time' })).toBeTruthy();

    await act(async () => window.history.back());
    await waitFor(() => expect(window.location.search).toBe('?period=last-7&compare=previous_year'));
    await act(async () => window.history.go(-2));
    await waitFor(() => expect(window.location.search).toBe(''));
    // The address changes first; the view follows when React renders the router's new location.
    await waitFor(() => expect((screen.getByLabelText('Period') as HTMLSelectElement).value).toBe('last-30'));
    expect(screen.getByText('01-11-2026 to 30-11-2026')).toBeTruthy();
  });

  it('a shared link opens the same view', async () => {
    const api = dashboardApi();
    await openDashboard('?period=custom&from=2025-01-01&to=2025-03-31&location=l2&compare=none&metric=units&grain=week&top=20&year=2024');
    expect(lastQuery(api.calls, 'timeseries')).toEqual({ from: '2025-01-01', to: '2025-03-31', location: 'l2', compare: 'none', metric: 'units', grain: 'week' });
    expect(lastQuery(api.calls, 'calendar')).toEqual({ location: 'l2', year: '2024' });
    expect((screen.getByLabelText('Period') as HTMLSelectElement).value).toBe('custom');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('2025-01-01');
    expect(screen.getByText('1 of 3 locations')).toBeTruthy();
    // Not compared: no change, no "before".
    const kpis = region('Key figures of the period');
    expect(within(kpis).queryByText(/Before:/)).toBeNull();
    expect(within(kpis).queryByText(/Up|Down/)).toBeNull();
  });

  it('a custom period is checked before it is applied', async () => {
    const api = dashboardApi();
    await openDashboard();
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Period'), 'Custom');
    expect(window.location.search).toBe('');
    const from = screen.getByLabelText('From') as HTMLInputElement;
    const to = screen.getByLabelText('To') as HTMLInputElement;
    expect([from.value, to.value]).toEqual(['2026-11-01', '2026-11-30']);
    await user.clear(from);
    await user.type(from, '2026-12-15');
    await user.click(screen.getByRole('button', { name: 'Show period' }));
    expect(screen.getByText('The start date must come before the end date.')).toBeTruthy();
    expect(from.getAttribute('aria-invalid')).toBe('true');
    await user.clear(from);
    await user.type(from, '2020-01-01');
    await user.click(screen.getByRole('button', { name: 'Show period' }));
    expect(screen.getByText('The period must be shorter than 5 years.')).toBeTruthy();
    await user.clear(from);
    await user.click(screen.getByRole('button', { name: 'Show period' }));
    expect(screen.getByText('Enter a valid date.')).toBeTruthy();
    await user.type(from, '2024-02-29');
    await user.click(screen.getByRole('button', { name: 'Show period' }));
    expect(window.location.search).toBe('?period=custom&from=2024-02-29&to=2026-11-30');
    await waitFor(() => expect(lastQuery(api.calls, 'overview')).toMatchObject({ from: '2024-02-29', to: '2026-11-30' }));
    await user.selectOptions(screen.getByLabelText('Period'), 'Yesterday');
    expect(window.location.search).toBe('?period=yesterday');
    expect(screen.queryByLabelText('From')).toBeNull();
  });

  it('filters locations, archived ones marked, and forgets one that no longer exists', async () => {
    const api = dashboardApi();
    await openDashboard('?location=l2&location=gone');
    await waitFor(() => expect(window.location.search).toBe('?location=l2'));
    await waitFor(() => expect(lastQuery(api.calls, 'overview')).toMatchObject({ location: 'l2' }));
    const user = userEvent.setup();
    await user.click(await screen.findByText('1 of 3 locations'));
    const box = (name: RegExp) => screen.getByRole('checkbox', { name }) as HTMLInputElement;
    expect(box(/Maipú/).parentElement?.textContent).toBe('Maipú (archived)');
    // The last ticked location cannot go: no location at all is no page.
    expect(box(/Providencia/).disabled).toBe(true);
    await user.click(box(/Maipú/));
    expect(window.location.search).toBe('?location=l2&location=l3');
    await waitFor(() => expect(asked(api.calls, 'overview').at(-1)!.query.getAll('location')).toEqual(['l2', 'l3']));
    await user.click(box(/Centro/));
    // Every location ticked is every location: the URL names none.
    expect(window.location.search).toBe('');
    await user.click(box(/Centro/));
    expect(window.location.search).toBe('?location=l2&location=l3');
    await user.click(screen.getByRole('button', { name: 'Show all' }));
    expect(window.location.search).toBe('');
    expect(screen.getByText('All locations')).toBeTruthy();
  });
});

describe('on a phone', () => {
  it('folds the choices besides the period under what they are set to, so the figures come first', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query === '(max-width: 40rem)',
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    }));
    dashboardApi();
    await openDashboard('?compare=previous_year', 'es');
    const more = document.querySelector<HTMLDetailsElement>('.dash-more')!;
    const summary = more.querySelector('summary')!;
    expect(more.open).toBe(false);
    expect(text(summary)).toBe('Locales, comparación y métrica: Todos los locales · Año anterior · Ventas');
    await userEvent.setup().click(summary);
    expect(more.open).toBe(true);
    expect((screen.getByLabelText('Comparar con') as HTMLSelectElement).value).toBe('previous_year');
  });

  it('on a wider screen they are open from the start', async () => {
    dashboardApi();
    await openDashboard();
    expect(document.querySelector<HTMLDetailsElement>('.dash-more')!.open).toBe(true);
  });
});

describe('what the dashboard says when', () => {
  it('the data ends before the period: up to when, and a way to the same span there', async () => {
    const api = dashboardApi('analyst', { overview: (req) => json(200, overview(req.query, '2026-10-15')) });
    await openDashboard();
    expect(screen.getByText('Sales data runs up to 15-10-2026.')).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Show a period as long up to 15-10-2026' }));
    expect(window.location.search).toBe('?period=custom&from=2026-09-16&to=2026-10-15');
    await waitFor(() => expect(lastQuery(api.calls, 'overview')).toMatchObject({ from: '2026-09-16', to: '2026-10-15' }));
  });

  it('the company has no sales: managers get the way to upload them', async () => {
    dashboardApi('manager', { overview: (req) => json(200, overview(req.query, null)) });
    await openDashboard();
    expect(screen.getByRole('heading', { name: 'No sales yet' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Upload sales' }).getAttribute('href')).toBe('/c/c1/imports');
    expect(screen.queryByRole('region', { name: 'Key figures of the period' })).toBeNull();
  });

  it('the company has no sales: others learn who will upload them', async () => {
    dashboardApi('viewer', { overview: (req) => json(200, overview(req.query, null)) });
    await openDashboard();
    expect(screen.getByText('Once a manager or the owner of the company uploads the sales, you will see them here.')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Upload sales' })).toBeNull();
  });

  it('a read fails: that part says so and retries, the rest is drawn', async () => {
    let fail = true;
    const api = dashboardApi('analyst', {
      overview: (req) => (fail ? problem(500, { instance: 'req-77' }) : json(200, overview(req.query))),
      locations: () => problem(403),
    });
    renderApp('/c/c1');
    const kpis = await screen.findByRole('region', { name: 'Key figures of the period' });
    // A 5xx is tried 3 times before it shows.
    expect(await within(kpis).findByText(/req-77/, {}, { timeout: 10_000 })).toBeTruthy();
    expect(asked(api.calls, 'overview')).toHaveLength(3);
    expect(ready()).toBe('false');
    expect(within(region('Sales by location')).getAllByText('Centro').length).toBeGreaterThan(0);
    expect(screen.getByText('You are not allowed to do this.')).toBeTruthy();
    fail = false;
    await userEvent.setup().click(within(kpis).getByRole('button', { name: 'Retry' }));
    expect(await within(kpis).findByText('CLP 48,210,990')).toBeTruthy();
    await waitFor(() => expect(ready()).toBe('true'));
  });

  it('a new period loads: the last figures stay, dimmed, and the page is not ready until it is drawn', async () => {
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    dashboardApi('analyst', {
      overview: async (req) => {
        if (req.query.get('from') === '2026-11-24') await gate;
        return json(200, { ...overview(req.query), metrics: { ...overview(req.query).metrics, revenue: figure(req.query.get('from') === '2026-11-24' ? 11000000 : 48210990, null, null) } });
      },
    });
    await openDashboard();
    await userEvent.setup().selectOptions(screen.getByLabelText('Period'), 'Last 7 days');
    await waitFor(() => expect(ready()).toBe('false'));
    const kpis = region('Key figures of the period');
    expect(within(kpis).getByText('CLP 48,210,990')).toBeTruthy();
    expect(kpis.getAttribute('aria-busy')).toBe('true');
    expect(within(kpis).getByText('Updating…')).toBeTruthy();
    release();
    expect(await within(kpis).findByText('CLP 11,000,000')).toBeTruthy();
    await waitFor(() => expect(ready()).toBe('true'));
  });

  it('a metric the data cannot give: the reason in words', async () => {
    dashboardApi('analyst', {
      timeseries: (req) => json(200, { ...timeseries(req.query), meta: { margin_coverage_pct: null, notes: [{ metric: 'customers', reason: 'not-additive', detail: 'x' }] } }),
      breakdown: (req) => json(200, { ...breakdown(req.query), rows: [], others: null }),
      heatmap: (req) => json(200, { ...heatmap(req.query), cells: Array.from({ length: 7 }, () => Array(24).fill(null)) }),
    });
    await openDashboard('?metric=customers');
    expect(screen.getByText('Customers: distinct customers are counted per location and day, and cannot be added up across several.')).toBeTruthy();
    expect(within(region('Customers by location')).getByText('No sales in this period.')).toBeTruthy();
    expect(within(region('Customers by weekday and hour')).getByText('No sales in this period.')).toBeTruthy();
  });
});

describe('CSV downloads', () => {
  it('are not offered to viewers', async () => {
    dashboardApi('viewer');
    await openDashboard();
    expect(screen.queryByRole('button', { name: 'Download CSV' })).toBeNull();
  });

  it('are fetched with the token in a header, never in the URL, and saved under the name the API gives', async () => {
    const api = dashboardApi('analyst', {
      breakdown: (req) =>
        req.query.get('format') === 'csv'
          ? new Response('key,label,value,share_pct,previous,change_pct\nl1,Centro,30000000,62.2,28000000,7.1\n', {
              headers: {
                'Content-Type': 'text/csv; charset=utf-8',
                // A cross-origin API that does not expose the header hides the name: the app names the file.
                ...(req.query.get('by') === 'location' ? { 'Content-Disposition': 'attachment; filename="ayni-revenue-by-location-2026-11-01-2026-11-30.csv"' } : {}),
              },
            })
          : json(200, breakdown(req.query)),
      timeseries: (req) => (req.query.get('format') === 'csv' ? problem(403, { type: 'https://ayni.app/problems/forbidden' }) : json(200, timeseries(req.query))),
    });
    const saved: { name: string; href: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, href: this.href });
    });
    const files: Blob[] = [];
    vi.stubGlobal(
      'URL',
      class extends URL {
        static override createObjectURL(blob: Blob) {
          files.push(blob);
          return 'blob:http://localhost/1';
        }
        static override revokeObjectURL() {}
      },
    );
    await openDashboard();
    expect(screen.getAllByRole('button', { name: 'Download CSV' })).toHaveLength(4);
    const user = userEvent.setup();
    await user.click(within(region('Sales by location')).getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    const csv = api.calls.find((c) => c.query.get('format') === 'csv')!;
    expect(csv.auth).toBe('Bearer access-2');
    expect(Object.fromEntries([...csv.query])).toEqual({
      from: '2026-11-01', to: '2026-11-30', compare: 'previous_period', metric: 'revenue', by: 'location', limit: '1000', format: 'csv',
    });
    expect(saved[0]).toEqual({ name: 'ayni-revenue-by-location-2026-11-01-2026-11-30.csv', href: 'blob:http://localhost/1' });
    expect(await files[0]!.text()).toContain('l1,Centro,30000000');

    await user.click(within(region('Top products by sales')).getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1]!.name).toBe('ayni-revenue-by-product-2026-11-01-2026-11-30.csv');

    // A refusal shows where the button is, in the app's words.
    await user.click(within(region('Sales over time')).getByRole('button', { name: 'Download CSV' }));
    expect(await within(region('Sales over time')).findByText('You are not allowed to do this.')).toBeTruthy();
    expect(saved).toHaveLength(2);
  });
});
