import { useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line of the chart: this period's, or the comparison's drawn beside it. */
export interface ChartSeries {
  name: string;
  values: (number | null)[];
  kind: 'current' | 'previous';
}

export interface TimeChartProps {
  /** What the x axis counts (the legend's first column: "Período"). */
  periodName: string;
  /** Each point's name in full (the legend under the cursor) and short (the x axis). */
  labels: string[];
  ticks: string[];
  series: ChartSeries[];
  formatValue: (value: number) => string;
  formatAxis: (value: number) => string;
}

// Canvas colours cannot read the stylesheet's variables: --brand, --muted and --border of styles.css.
const COLOURS = { current: '#0f5257', previous: '#8a9596', fill: 'rgba(15, 82, 87, 0.08)', axis: '#5a6566', grid: '#e3e8e7' };
/** Point steps between x labels uPlot may pick from: a day, a week, a month, a quarter, a year of days. */
const STEPS = [1, 2, 3, 4, 6, 7, 14, 30, 61, 91, 182, 365, 730];
const MIN_WIDTH = 240;

function height(width: number): number {
  return width < 480 ? 220 : 280;
}

function options({ periodName, labels, ticks, series, formatValue, formatAxis }: TimeChartProps, width: number): uPlot.Options {
  const axis = { stroke: COLOURS.axis, grid: { stroke: COLOURS.grid, width: 1 }, ticks: { show: false } };
  return {
    width,
    height: height(width),
    // The x axis counts points: periods are labelled by the page (weeks, quarters...), not by uPlot's clock.
    scales: {
      x: { time: false },
      // From zero, so that a small change does not look like a cliff; below zero only for a negative margin.
      y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max ? max * 1.05 : 1] },
    },
    axes: [
      { ...axis, space: 56, incrs: STEPS, values: (_u, splits) => splits.map((i) => ticks[i] ?? '') },
      // As wide as its longest label (about 7 px a character at 12 px), not a fixed width a phone cannot spare.
      { ...axis, size: (_u, values) => 16 + 7 * Math.max(3, ...(values ?? []).map((v) => v.length)), values: (_u, splits) => splits.map(formatAxis) },
    ],
    series: [
      { label: periodName, value: (_u, i) => labels[i] ?? '' },
      ...series.map((line) => ({
        label: line.name,
        stroke: COLOURS[line.kind],
        width: line.kind === 'current' ? 2 : 1.5,
        dash: line.kind === 'previous' ? [6, 4] : undefined,
        fill: line.kind === 'current' ? COLOURS.fill : undefined,
        points: { show: labels.length <= 62 },
        value: (_u: uPlot, value: number | null) => (value === null ? '—' : formatValue(value)),
      })),
    ],
    // Reading values under the finger or pointer, not zooming: a drag on a phone is a scroll.
    cursor: { drag: { x: false, y: false } },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
  };
}

/**
 * A metric over time with its comparison (uPlot: docs/web-dashboard.md says why). Drawn once the layout is known,
 * in the same commit as the data, and resized with its box so it always fits the width of a phone.
 */
export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const element = box.current as HTMLDivElement;
    const width = () => Math.max(element.clientWidth, MIN_WIDTH);
    const data: uPlot.AlignedData = [props.labels.map((_, i) => i), ...props.series.map((line) => line.values)];
    const chart = new uPlot(options(props, width()), data, element);
    const resize = new ResizeObserver(() => {
      if (width() !== chart.width) chart.setSize({ width: width(), height: height(width()) });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [props]);
  return <div ref={box} className="dash-chart" />;
}
