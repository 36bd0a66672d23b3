import type { UseQueryResult } from '@tanstack/react-query';
import { memo, type ReactNode } from 'react';
import type { Heatmap, Metric } from '@/shared/api/types';
import { formatWeekday } from '@/shared/format';
import { useI18n } from '@/shared/i18n/i18n';
import { formatMetric, type Money } from '../metrics';
import { Notes } from './Notes';
import { ChartOrTable, Section } from './Section';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const LEVELS = 5;

/** The hours worth a row: from the first to the last with any figure (a shop open 9 to 21 shows 12 rows). */
function openHours(cells: (number | null)[][]): number[] {
  const used = Array.from({ length: 24 }, (_, hour) => hour).filter((hour) => cells.some((day) => (day[hour] ?? 0) !== 0));
  if (used.length === 0) return [];
  const first = used[0] as number;
  return Array.from({ length: (used.at(-1) as number) - first + 1 }, (_, i) => first + i);
}

/** A cell's shade, 0 (nothing) to LEVELS (the busiest hour of the week). */
function level(value: number | null, largest: number): number {
  if (value === null || value <= 0 || largest <= 0) return 0;
  return Math.max(1, Math.ceil((value / largest) * LEVELS));
}

/** When the week is busiest: a weekday by hour grid, Monday first, hours as rows so it fits a phone's width. */
export function HeatmapSection({ read, metric, money }: { read: UseQueryResult<Heatmap>; metric: Metric; money: Money }) {
  const { t } = useI18n();
  return (
    <Section title={t('dashboard.heatmap.title', { metric: t(`dashboard.metric.${metric}`) })} read={read}>
      {(heatmap) => <HeatmapBody heatmap={heatmap} money={money} />}
    </Section>
  );
}

function HeatmapRow({ name, children }: { name: string; children: ReactNode }) {
  return (
    <>
      <span className="dash-heatmap__hour">{name}</span>
      {children}
    </>
  );
}

/** Memoized: the page re-renders as each of its reads lands; the grid redraws only with its own figures. */
const HeatmapBody = memo(function HeatmapBody({ heatmap, money }: { heatmap: Heatmap; money: Money }) {
  const { t, locale } = useI18n();
  const hours = openHours(heatmap.cells);
  if (hours.length === 0) return <p className="muted">{t('dashboard.noRows')}</p>;
  const largest = Math.max(...heatmap.cells.flat().map((v) => v ?? 0));
  const cell = (weekday: number, hour: number) => heatmap.cells[weekday - 1]?.[hour] ?? null;
  const shown = (value: number | null) => (value === null ? '—' : formatMetric(heatmap.metric, value, money));
  const hourName = (hour: number) => `${String(hour).padStart(2, '0')}:00`;
  const days = WEEKDAYS.map((weekday) => formatWeekday(weekday, locale));
  return (
    <>
      <p className="dash-hint">{t('dashboard.heatmap.hint')}</p>
      <ChartOrTable
        chart={
          <div className="dash-heatmap">
            <span />
            {days.map((day) => (
              <span key={day} className="dash-heatmap__day">
                {day}
              </span>
            ))}
            {hours.map((hour) => (
              <HeatmapRow key={hour} name={hourName(hour)}>
                {WEEKDAYS.map((weekday) => (
                  <span
                    key={weekday}
                    className="dash-heatmap__cell"
                    data-level={level(cell(weekday, hour), largest)}
                    title={`${days[weekday - 1]} ${hourName(hour)}: ${shown(cell(weekday, hour))}`}
                  />
                ))}
              </HeatmapRow>
            ))}
            <p className="dash-heatmap__legend">
              {t('dashboard.heatmap.less')}
              {Array.from({ length: LEVELS + 1 }, (_, i) => (
                <span key={i} className="dash-heatmap__cell" data-level={i} />
              ))}
              {t('dashboard.heatmap.more')}
            </p>
          </div>
        }
        table={
          <table>
            <caption className="visually-hidden">{t('dashboard.heatmap.title', { metric: t(`dashboard.metric.${heatmap.metric}`) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.heatmap.hour')}</th>
                {days.map((day) => (
                  <th scope="col" key={day}>
                    {day}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {hours.map((hour) => (
                <tr key={hour}>
                  <th scope="row">{hourName(hour)}</th>
                  {WEEKDAYS.map((weekday) => (
                    <td key={weekday}>{shown(cell(weekday, hour))}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <Notes meta={heatmap.meta} metric={heatmap.metric} />
    </>
  );
});
