import { useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { can, useCompany } from '@/shared/companies/current';
import { formatDay } from '@/shared/format';
import { registerTexts, useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { PageTitle } from '@/shared/ui/Page';
import { useLocations } from '@/shared/companies/lists';
import { useAnalytics, type CsvRequest } from '../api';
import { BreakdownSection } from '../components/BreakdownSection';
import { CalendarSection } from '../components/CalendarSection';
import { EmptyState } from '../components/EmptyState';
import { Filters } from '../components/Filters';
import { HeatmapSection } from '../components/HeatmapSection';
import { KpiCards } from '../components/KpiCards';
import { Section } from '../components/Section';
import { TrendSection } from '../components/TrendSection';
import { defaultGrain, endingOn, grainAllowed, todayIn } from '../period';
import { readView, viewRange, writeView, type View } from '../view';
import '../dashboard.css';
import { dashboardEn, dashboardEs } from '../messages';

registerTexts({ es: dashboardEs, en: dashboardEn });

/** Every location in one list: a chain has a few, and the list is short enough to read whole. */
const LOCATIONS_LIMIT = 50;
/** A list's CSV holds every key the API gives (its maximum), not just the top shown: it is for analysis. */
const CSV_LIMIT = 1000;

/**
 * The company's index page: how sales are going over the chosen period, where, what and when. Every part reads
 * its own endpoint, in parallel; the view lives in the URL (view.ts).
 */
export default function Dashboard() {
  const company = useCompany();
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => readView(params), [params]);
  const today = todayIn(company.timezone, new Date());
  const range = viewRange(view.period, today);
  const change = (update: Partial<View>) => setParams(writeView({ ...view, ...update }));

  const locations = useLocations(company.id);
  // A link may name a location since deleted: drop it rather than show an error for the whole page.
  const known = locations.data?.items;
  useEffect(() => {
    if (!known) return;
    const kept = view.locations.filter((id) => known.some((location) => location.id === id));
    if (kept.length !== view.locations.length) setParams(writeView({ ...view, locations: kept }), { replace: true });
  }, [known, view, setParams]);

  const money = useMemo(() => ({ currency: company.currency, locale }), [company.currency, locale]);
  const grain = view.grain && grainAllowed(view.grain, range) ? view.grain : defaultGrain(range);
  const year = view.year ?? Number(range.to.slice(0, 4));
  const base = { from: range.from, to: range.to, location: [...view.locations].sort() };
  const compared = { ...base, compare: view.compare };
  const byQuery = (by: 'location' | 'product' | 'category', limit: number) => ({ ...compared, metric: view.metric, by, limit });
  const queries = {
    timeseries: { ...compared, metric: view.metric, grain },
    location: byQuery('location', LOCATIONS_LIMIT),
    product: byQuery('product', view.top),
    category: byQuery('category', view.top),
  };

  const overview = useAnalytics('analyticsOverview', company.id, compared);
  const timeseries = useAnalytics('analyticsTimeseries', company.id, queries.timeseries);
  const byLocation = useAnalytics('analyticsBreakdown', company.id, queries.location);
  const byProduct = useAnalytics('analyticsBreakdown', company.id, queries.product);
  const byCategory = useAnalytics('analyticsBreakdown', company.id, queries.category);
  const heatmap = useAnalytics('analyticsHeatmap', company.id, { ...base, metric: view.metric });
  const calendar = useAnalytics('analyticsCalendar', company.id, { location: base.location, year });

  // Every part drawn with the view's own figures (not the last view's, kept while loading): what a benchmark
  // waits for. The chart draws in this same commit (uPlot's first paint is a microtask after it).
  const reads = [overview, timeseries, byLocation, byProduct, byCategory, heatmap, calendar];
  const ready = reads.every((read) => read.isSuccess && !read.isPlaceholderData);

  const exportable = can(company.role, 'export');
  const csv = (request: Omit<CsvRequest, 'companyId' | 'fallbackName'>, what: string): CsvRequest | null =>
    // The API's own way of naming the file, for an answer whose name the browser cannot read.
    exportable ? ({ ...request, companyId: company.id, fallbackName: `ayni-${what}-${range.from}-${range.to}.csv` } as CsvRequest) : null;
  const metricName = t(`dashboard.metric.${view.metric}`);
  // Inside a sentence ("Top products by sales"), where it does not open it.
  const metricWord = metricName.toLocaleLowerCase(locale);
  const dataThrough = overview.data?.data_through;

  return (
    <div className="stack dash" data-dashboard-ready={ready}>
      <PageTitle>{t('dashboard.title', { name: company.name })}</PageTitle>
      {dataThrough === null ? (
        <EmptyState />
      ) : (
        <>
          <Filters view={view} range={range} locations={locations} onChange={change} />
          {dataThrough && dataThrough < range.to ? (
            <Alert kind="info" message={{ text: t('dashboard.dataThrough', { date: formatDay(dataThrough) }) }}>
              <button type="button" className="button dash-button" onClick={() => change({ period: { preset: 'custom', range: endingOn(range, dataThrough) } })}>
                {t('dashboard.dataThrough.jump', { date: formatDay(dataThrough) })}
              </button>
            </Alert>
          ) : null}
          <Section title={t('dashboard.kpis')} read={overview} className="dash-section--plain">
            {(data) => <KpiCards overview={data} money={money} />}
          </Section>
          <TrendSection
            read={timeseries}
            metric={view.metric}
            grain={grain}
            range={range}
            compare={view.compare}
            money={money}
            onGrain={(next) => change({ grain: next })}
            csv={csv({ name: 'analyticsTimeseries', query: queries.timeseries }, view.metric)}
          />
          <div className="dash-grid">
            <BreakdownSection
              title={t('dashboard.byLocation', { metric: metricName })}
              read={byLocation}
              money={money}
              csv={csv({ name: 'analyticsBreakdown', query: { ...queries.location, limit: CSV_LIMIT } }, `${view.metric}-by-location`)}
            />
            <HeatmapSection read={heatmap} metric={view.metric} money={money} />
            <BreakdownSection
              title={t('dashboard.topProducts', { metric: metricWord })}
              read={byProduct}
              money={money}
              top={{ size: view.top, onChange: (top) => change({ top }) }}
              csv={csv({ name: 'analyticsBreakdown', query: { ...queries.product, limit: CSV_LIMIT } }, `${view.metric}-by-product`)}
            />
            <BreakdownSection
              title={t('dashboard.topCategories', { metric: metricWord })}
              read={byCategory}
              money={money}
              top={{ size: view.top, onChange: (top) => change({ top }) }}
              csv={csv({ name: 'analyticsBreakdown', query: { ...queries.category, limit: CSV_LIMIT } }, `${view.metric}-by-category`)}
            />
          </div>
          <CalendarSection read={calendar} year={year} latest={Number(today.slice(0, 4))} onYear={(next) => change({ year: next })} />
        </>
      )}
    </div>
  );
}
