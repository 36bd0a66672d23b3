import type { UseQueryResult } from '@tanstack/react-query';
import { memo, useMemo } from 'react';
import type { Grain, Metric, Timeseries } from '@/shared/api/types';
import { useI18n } from '@/shared/i18n/i18n';
import type { CsvRequest } from '../api';
import { periodLabel, periodTick } from '../labels';
import { formatMetric, formatMetricCompact, type Money } from '../metrics';
import { GRAINS, MAX_DAY_GRAIN_YEARS, grainAllowed, type Range } from '../period';
import type { Compare } from '../view';
import { CsvButton } from './CsvButton';
import { Notes } from './Notes';
import { ChartOrTable, Section } from './Section';
import { TimeChart } from './TimeChart';

interface TrendProps {
  read: UseQueryResult<Timeseries>;
  metric: Metric;
  grain: Grain;
  range: Range;
  compare: Compare;
  money: Money;
  onGrain: (grain: Grain) => void;
  csv: CsvRequest | null;
}

/** The metric period by period, the comparison drawn beside it, and the grain to read it at. */
export function TrendSection({ read, metric, grain, range, compare, money, onGrain, csv }: TrendProps) {
  const { t } = useI18n();
  const metricName = t(`dashboard.metric.${metric}`);
  return (
    <Section
      title={t('dashboard.trend.title', { metric: metricName })}
      read={read}
      className="dash-trend"
      actions={
        <>
          <GrainSwitch grain={grain} range={range} onGrain={onGrain} />
          {csv ? <CsvButton request={csv} /> : null}
        </>
      }
    >
      {(series) => <TrendBody series={series} compare={compare} money={money} />}
    </Section>
  );
}

function GrainSwitch({ grain, range, onGrain }: { grain: Grain; range: Range; onGrain: (grain: Grain) => void }) {
  const { t } = useI18n();
  const dayRefused = !grainAllowed('day', range);
  return (
    <fieldset className="dash-segments">
      <legend className="visually-hidden">{t('dashboard.grain')}</legend>
      {GRAINS.map((option) => {
        const disabled = !grainAllowed(option, range);
        return (
          <label key={option} data-checked={option === grain} data-disabled={disabled}>
            <input type="radio" name="grain" value={option} checked={option === grain} disabled={disabled} onChange={() => onGrain(option)} />
            {t(`dashboard.grain.${option}`)}
          </label>
        );
      })}
      {dayRefused ? <p className="dash-hint">{t('dashboard.grain.dayTooLong', { years: MAX_DAY_GRAIN_YEARS })}</p> : null}
    </fieldset>
  );
}

/** Memoized: the page re-renders as each of its reads lands, and a year of days is worth drawing once. */
const TrendBody = memo(function TrendBody({ series, compare, money }: { series: Timeseries; compare: Compare; money: Money }) {
  const { t, locale } = useI18n();
  const { metric, grain, points } = series;
  const compared = series.compare !== null;
  const chart = useMemo(() => {
    const labels = points.map((p) => periodLabel(p.period_start, grain, t, locale));
    return {
      periodName: t('dashboard.period'),
      labels,
      ticks: points.map((p) => periodTick(p.period_start, grain, t, locale)),
      series: [
        { name: t('dashboard.series.current'), values: points.map((p) => p.value), kind: 'current' as const },
        ...(compared ? [{ name: t(`dashboard.compare.${compare}`), values: points.map((p) => p.previous), kind: 'previous' as const }] : []),
      ],
      formatValue: (value: number) => formatMetric(metric, value, money),
      formatAxis: (value: number) => formatMetricCompact(metric, value, money),
    };
  }, [points, grain, metric, compared, compare, money, t, locale]);
  const shown = (value: number | null) => (value === null ? '—' : chart.formatValue(value));
  return (
    <>
      <ChartOrTable
        chart={<TimeChart {...chart} />}
        table={
          <table>
            <caption className="visually-hidden">{t('dashboard.trend.title', { metric: t(`dashboard.metric.${metric}`) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.period')}</th>
                {chart.series.map((line) => (
                  <th scope="col" key={line.kind}>
                    {line.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {points.map((point, i) => (
                <tr key={point.period_start}>
                  <th scope="row">{chart.labels[i]}</th>
                  <td>{shown(point.value)}</td>
                  {compared ? <td>{shown(point.previous)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <Notes meta={series.meta} metric={metric} />
    </>
  );
});
