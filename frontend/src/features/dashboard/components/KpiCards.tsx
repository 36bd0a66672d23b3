import type { Metric, Overview } from '@/shared/api/types';
import { formatPercent } from '@/shared/format';
import { useI18n } from '@/shared/i18n/i18n';
import { formatMetric, type Money } from '../metrics';
import { Change } from './Change';

/** The cards, in the order a shop owner reads them; margin % rides on the gross margin's card. */
const CARDS: readonly Exclude<Metric, 'margin_pct'>[] = [
  'revenue', 'tickets', 'avg_ticket', 'units', 'units_per_ticket', 'gross_margin', 'discounts', 'returns', 'customers',
];

/**
 * Every metric of the period with its change. A metric the data cannot give (customers across days or
 * locations, a margin without costs) has no card rather than an empty one.
 */
export function KpiCards({ overview, money }: { overview: Overview; money: Money }) {
  const { t, locale } = useI18n();
  const { metrics, meta } = overview;
  const compared = overview.compare !== null;
  const coverage = meta.margin_coverage_pct;
  return (
    <ul className="dash-kpis">
      {CARDS.filter((metric) => metrics[metric].value !== null).map((metric) => {
        const figure = metrics[metric];
        return (
          <li key={metric} className="card dash-kpi" data-metric={metric}>
            <h3>{t(`dashboard.metric.${metric}`)}</h3>
            <p className="dash-kpi__value">{formatMetric(metric, figure.value as number, money)}</p>
            {metric === 'gross_margin' && metrics.margin_pct.value !== null ? (
              <p className="dash-kpi__extra">{t('dashboard.kpi.marginPct', { pct: formatPercent(metrics.margin_pct.value, locale) })}</p>
            ) : null}
            {compared ? (
              <p className="dash-kpi__change">
                <Change metric={metric} changePct={figure.change_pct} previous={figure.previous} />
              </p>
            ) : null}
            {compared && figure.previous !== null ? (
              <p className="dash-kpi__previous">{t('dashboard.kpi.previous', { value: formatMetric(metric, figure.previous, money) })}</p>
            ) : null}
            {metric === 'gross_margin' && coverage !== null && coverage < 100 ? (
              <p className="dash-kpi__previous">{t('dashboard.kpi.coverage', { pct: formatPercent(coverage, locale) })}</p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
