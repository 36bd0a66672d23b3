import type { UseQueryResult } from '@tanstack/react-query';
import { memo, useId, type ReactNode } from 'react';
import type { Breakdown, BreakdownOthers, BreakdownRow } from '@/shared/api/types';
import { formatPercent } from '@/shared/format';
import { useI18n } from '@/shared/i18n/i18n';
import type { CsvRequest } from '../api';
import { formatMetric, type Money } from '../metrics';
import { TOP_SIZES, type TopSize } from '../view';
import { Change } from './Change';
import { CsvButton } from './CsvButton';
import { Notes } from './Notes';
import { ChartOrTable, Section } from './Section';

interface BreakdownProps {
  title: string;
  read: UseQueryResult<Breakdown>;
  money: Money;
  csv: CsvRequest | null;
  /** The size of a top list and how to change it; none for a list that shows every key (locations). */
  top?: { size: TopSize; onChange: (size: TopSize) => void };
}

/** A line of the list: a key of the breakdown, or every other key added up. */
interface Line {
  key: string;
  label: string;
  figure: Pick<BreakdownRow, 'value' | 'share_pct' | 'previous' | 'change_pct'>;
  others?: boolean;
}

function lines(breakdown: Breakdown, others: (n: BreakdownOthers) => string, unnamed: string): Line[] {
  const rows: Line[] = breakdown.rows.map((row) => ({ key: row.key, label: row.label ?? unnamed, figure: row }));
  if (breakdown.others) rows.push({ key: '\u0000others', label: others(breakdown.others), figure: breakdown.others, others: true });
  return rows;
}

/**
 * The metric per location, product or category, best first, as bars: the bar is the row's share of the whole
 * where the metric adds up, else its size against the largest row (averages and ratios).
 */
export function BreakdownSection({ title, read, money, csv, top }: BreakdownProps) {
  return (
    <Section
      title={title}
      read={read}
      actions={
        <>
          {top ? <TopSizeSelect size={top.size} onChange={top.onChange} /> : null}
          {csv ? <CsvButton request={csv} /> : null}
        </>
      }
    >
      {(breakdown) => <BreakdownBody breakdown={breakdown} title={title} money={money} />}
    </Section>
  );
}

/** Memoized: the page re-renders as each of its reads lands; a list redraws only when its own figures change. */
const BreakdownBody = memo(function BreakdownBody({ breakdown, title, money }: { breakdown: Breakdown; title: string; money: Money }) {
  const { t, locale } = useI18n();
  const list = lines(breakdown, (o) => t('dashboard.others', { n: o.keys }), t('dashboard.unnamed'));
  if (list.length === 0) return <p className="muted">{t('dashboard.noRows')}</p>;
  const largest = Math.max(...list.map((line) => Math.abs(line.figure.value ?? 0)), 0);
  const value = (v: number | null) => (v === null ? '—' : formatMetric(breakdown.metric, v, money));
  const share = (pct: number | null) => (pct === null ? '—' : formatPercent(pct, locale));
  const compared = breakdown.compare !== null;
  return (
    <>
      <ChartOrTable
        chart={
          <ol className="dash-bars">
            {list.map((line) => {
              const { figure } = line;
              const width = figure.share_pct ?? (largest ? (Math.abs(figure.value ?? 0) / largest) * 100 : 0);
              return (
                <li key={line.key} data-others={line.others}>
                  <span className="dash-bars__label">{line.label}</span>
                  <span className="dash-bars__value">{value(figure.value)}</span>
                  <span className="dash-bars__track">
                    <span className="dash-bars__bar" style={{ width: `${Math.min(100, width)}%` }} />
                  </span>
                  <span className="dash-bars__meta">
                    {figure.share_pct === null ? null : <span>{t('dashboard.share', { pct: share(figure.share_pct) })}</span>}
                    <Change metric={breakdown.metric} changePct={figure.change_pct} previous={figure.previous} />
                  </span>
                </li>
              );
            })}
          </ol>
        }
        table={
          <table>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.col.name')}</th>
                <th scope="col">{t(`dashboard.metric.${breakdown.metric}`)}</th>
                <th scope="col">{t('dashboard.col.share')}</th>
                {compared ? <th scope="col">{t('dashboard.col.previous')}</th> : null}
                {compared ? <th scope="col">{t('dashboard.col.change')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.map(({ key, label, figure }) => (
                <tr key={key}>
                  <th scope="row">{label}</th>
                  <td>{value(figure.value)}</td>
                  <td>{share(figure.share_pct)}</td>
                  {compared ? <td>{value(figure.previous)}</td> : null}
                  {compared ? <td>{figure.change_pct === null ? '—' : formatPercent(figure.change_pct, locale, { signed: true })}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <Notes meta={breakdown.meta} metric={breakdown.metric} />
    </>
  );
});

function TopSizeSelect({ size, onChange }: { size: TopSize; onChange: (size: TopSize) => void }): ReactNode {
  const { t } = useI18n();
  const id = useId();
  return (
    <span className="dash-inline-field">
      <label htmlFor={id}>{t('dashboard.top.size')}</label>
      <select id={id} value={size} onChange={(e) => onChange(Number(e.target.value) as TopSize)}>
        {TOP_SIZES.map((n) => (
          <option key={n} value={n}>
            {t('dashboard.top.option', { n })}
          </option>
        ))}
      </select>
    </span>
  );
}
