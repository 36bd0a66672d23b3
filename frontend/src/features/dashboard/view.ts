/*
 * What the dashboard shows, kept in the URL's query string so that a reload or a shared link shows the same view
 * and back/forward step through the changes. Only what differs from the default is written: the bare
 * `/c/:companyId` is the default view. Anything unreadable in a hand-edited link falls back to its default.
 */
import type { Grain, Metric } from '@/shared/api/types';
import { GRAINS, PRESETS, isDay, presetRange, rangeProblem, type Day, type Preset, type Range } from './period';

export type Compare = 'previous_period' | 'previous_year' | 'none';
export const COMPARES: readonly Compare[] = ['previous_period', 'previous_year', 'none'];

export const METRICS: readonly Metric[] = [
  'revenue', 'tickets', 'avg_ticket', 'units', 'units_per_ticket', 'gross_margin', 'margin_pct', 'discounts', 'returns', 'customers',
];

/** How many products and categories the top lists show (the rest add up in "others"). */
export const TOP_SIZES = [10, 20] as const;
export type TopSize = (typeof TOP_SIZES)[number];

export type Period = { preset: Preset } | { preset: 'custom'; range: Range };

export interface View {
  period: Period;
  /** Location ids; none means every location. */
  locations: string[];
  compare: Compare;
  /** The metric of the chart, the breakdowns and the heatmap. */
  metric: Metric;
  /** null: the range's default grain. */
  grain: Grain | null;
  top: TopSize;
  /** The calendar's year; null: the year the range ends in. */
  year: number | null;
}

export const DEFAULT_VIEW: View = {
  period: { preset: 'last-30' },
  locations: [],
  compare: 'previous_period',
  metric: 'revenue',
  grain: null,
  top: 10,
  year: null,
};

function oneOf<T extends string | number>(options: readonly T[], value: string | null, fallback: T): T {
  return options.find((option) => String(option) === value) ?? fallback;
}

function readPeriod(params: URLSearchParams): Period {
  const preset = params.get('period');
  if (preset === 'custom') {
    const from = params.get('from') ?? '';
    const to = params.get('to') ?? '';
    if (isDay(from) && isDay(to) && rangeProblem({ from, to }) === null) return { preset, range: { from, to } };
  }
  return { preset: oneOf(PRESETS, preset, DEFAULT_VIEW.period.preset as Preset) };
}

function readYear(value: string | null): number | null {
  const year = Number(value);
  return value !== null && Number.isInteger(year) && year >= 1901 && year <= 2999 ? year : null;
}

export function readView(params: URLSearchParams): View {
  return {
    period: readPeriod(params),
    locations: [...new Set(params.getAll('location').filter(Boolean))],
    compare: oneOf(COMPARES, params.get('compare'), DEFAULT_VIEW.compare),
    metric: oneOf(METRICS, params.get('metric'), DEFAULT_VIEW.metric),
    grain: GRAINS.find((grain) => grain === params.get('grain')) ?? null,
    top: oneOf(TOP_SIZES, params.get('top'), DEFAULT_VIEW.top),
    year: readYear(params.get('year')),
  };
}

export function writeView(view: View): URLSearchParams {
  const params = new URLSearchParams();
  const { period } = view;
  if (period.preset !== DEFAULT_VIEW.period.preset) params.set('period', period.preset);
  if (period.preset === 'custom') {
    params.set('from', period.range.from);
    params.set('to', period.range.to);
  }
  for (const location of view.locations) params.append('location', location);
  if (view.compare !== DEFAULT_VIEW.compare) params.set('compare', view.compare);
  if (view.metric !== DEFAULT_VIEW.metric) params.set('metric', view.metric);
  if (view.grain) params.set('grain', view.grain);
  if (view.top !== DEFAULT_VIEW.top) params.set('top', String(view.top));
  if (view.year !== null) params.set('year', String(view.year));
  return params;
}

/** The days the view covers on the company's `today`. */
export function viewRange(period: Period, today: Day): Range {
  return period.preset === 'custom' ? period.range : presetRange(period.preset, today);
}
