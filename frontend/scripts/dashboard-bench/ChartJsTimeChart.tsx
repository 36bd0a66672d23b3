/*
 * The runner-up of docs/web-dashboard.md "Chart library": the dashboard's TimeChart drawn with Chart.js instead of
 * uPlot, same props and same features (two lines, the comparison dashed, values under the pointer, resizing with
 * its box), so scripts/dashboard-bench.mjs can build the dashboard with either and compare. Not part of the app.
 */
import { useLayoutEffect, useRef } from 'react';
import { CategoryScale, Chart, Filler, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import type { TimeChartProps } from '../../src/features/dashboard/components/TimeChart';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Tooltip, Legend);

const COLOURS = { current: '#0f5257', previous: '#8a9596', fill: 'rgba(15, 82, 87, 0.08)', grid: '#e3e8e7' };

export function TimeChart({ labels, ticks, series, formatValue, formatAxis }: TimeChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const chart = new Chart(canvas.current as HTMLCanvasElement, {
      type: 'line',
      data: {
        labels: ticks,
        datasets: series.map((line) => ({
          label: line.name,
          data: line.values,
          borderColor: COLOURS[line.kind],
          borderWidth: line.kind === 'current' ? 2 : 1.5,
          borderDash: line.kind === 'previous' ? [6, 4] : [],
          backgroundColor: COLOURS.fill,
          fill: line.kind === 'current',
          pointRadius: labels.length <= 62 ? 2 : 0,
          spanGaps: false,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { grid: { color: COLOURS.grid }, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { beginAtZero: true, grid: { color: COLOURS.grid }, ticks: { callback: (value) => formatAxis(Number(value)) } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: (items) => labels[items[0]?.dataIndex ?? 0] ?? '',
              label: (item) => `${item.dataset.label ?? ''}: ${item.parsed.y === null ? '—' : formatValue(item.parsed.y)}`,
            },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [labels, ticks, series, formatValue, formatAxis]);
  return (
    // The height uPlot's chart has on a wide screen.
    <div className="dash-chart" style={{ position: 'relative', height: 280 }}>
      <canvas ref={canvas} />
    </div>
  );
}
