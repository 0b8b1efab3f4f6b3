/** Baseline vs current p95 (left axis) and achieved rate (right axis) for every run compared. */
import type { Comparison, MetricDelta } from '../compare.js';
import { fmtPct, trim } from '../format.js';
import type { ChartSpec } from './render.js';
import { alpha, axis, chartOptions, color } from './style.js';
import { runAxis } from './run-charts.js';

/** The comparison chart; undefined when no run was on both sides. */
export function baselineChart(comparison: Comparison): ChartSpec | undefined {
  const runs = comparison.runs;
  if (runs.length === 0) return undefined;
  const value = (metric: MetricDelta['metric'], side: 'baseline' | 'current') =>
    runs.map((r) => r.metrics.find((m) => m.metric === metric)?.[side] ?? null);
  const x = runAxis(
    'run',
    runs.map((r) => ({ name: r.run })),
  );
  const regressed = runs.filter((r) => r.regressed).map((r) => r.run);
  return {
    file: 'baseline-comparison.png',
    title: 'Baseline vs current',
    group: 'Baseline comparison',
    analysis:
      regressed.length === 0
        ? `No regression in ${runs.length} compared runs (tolerances: p95 +${fmtPct(comparison.tolerances.p95, 1)}, rate −${fmtPct(comparison.tolerances.achievedRate, 1)}, errors +${trim(comparison.tolerances.errorRate * 100, 2)} percentage points).`
        : `${regressed.length} of ${runs.length} runs regressed: ${regressed.join(', ')}.`,
    config: {
      type: 'bar',
      data: {
        labels: x.labels,
        datasets: [
          {
            label: 'p95 baseline (ms)',
            data: value('p95Ms', 'baseline'),
            backgroundColor: alpha(color(0), 0.35),
            yAxisID: 'y',
          },
          {
            label: 'p95 current (ms)',
            data: value('p95Ms', 'current'),
            backgroundColor: color(0),
            yAxisID: 'y',
          },
          {
            label: 'rate baseline (req/s)',
            data: value('achievedRate', 'baseline'),
            backgroundColor: alpha(color(1), 0.35),
            yAxisID: 'y1',
          },
          {
            label: 'rate current (req/s)',
            data: value('achievedRate', 'current'),
            backgroundColor: color(1),
            yAxisID: 'y1',
          },
        ],
      },
      options: chartOptions(
        'Baseline vs current: p95 latency and achieved rate',
        {
          x: x.scale,
          y: axis('p95 latency (ms)', { beginAtZero: true, position: 'left' }),
          y1: axis('achieved rate (req/s)', {
            beginAtZero: true,
            position: 'right',
            grid: { drawOnChartArea: false },
          }),
        },
        { subtitle: `pale: baseline (${comparison.baselineSource}), solid: current` },
      ),
    },
  };
}
