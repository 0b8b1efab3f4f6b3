/**
 * Latency heatmap of one run: seconds × latency buckets from the per-second `buckets` counts, drawn as
 * coloured rectangles on chart.js axes (chart.js has no heatmap type). Every second of the run gets a column,
 * so even a short run fills the chart; empty cells are light grey, not missing.
 */
import type { Chart, Plugin } from 'chart.js';
import { LATENCY_BUCKETS_MS } from '../../experiments/results/run-result.js';
import { fmtCount, fmtMs, fmtPct } from '../format.js';
import type { RunData } from '../../experiments/results/rebuild-summary.js';
import type { ChartSpec } from './render.js';
import { axis, chartOptions } from './style.js';

export interface HeatmapMatrix {
  /** counts[second][bucket]. */
  counts: number[][];
  /** Rows shown: buckets lo..hi inclusive. */
  lo: number;
  hi: number;
  max: number;
}

const BUCKETS = LATENCY_BUCKETS_MS.length + 1;

/** The per-second bucket counts as a dense matrix (missing seconds are zero), trimmed to the rows that matter. */
export function heatmapMatrix(timeline: readonly { t: number; buckets: readonly number[] }[]): HeatmapMatrix {
  const seconds = Math.max(1, ...timeline.map((p) => p.t + 1));
  const counts = Array.from({ length: seconds }, () => new Array<number>(BUCKETS).fill(0));
  let lo = BUCKETS;
  let hi = -1;
  let max = 0;
  for (const p of timeline) {
    const row = counts[p.t];
    if (row === undefined) continue;
    p.buckets.forEach((n, b) => {
      if (b >= BUCKETS || n <= 0) return;
      row[b] = (row[b] ?? 0) + n;
      lo = Math.min(lo, b);
      hi = Math.max(hi, b);
      max = Math.max(max, row[b] ?? 0);
    });
  }
  if (hi < 0) return { counts, lo: 0, hi: 3, max: 0 };
  // One empty row either side shows where the distribution ends; at least four rows keep cells readable.
  lo = Math.max(0, lo - 1);
  hi = Math.min(BUCKETS - 1, Math.max(hi + 1, lo + 3));
  return { counts, lo, hi, max };
}

/** Label of a bucket boundary (row k starts at boundary k). */
function boundaryLabel(k: number): string {
  return k === 0 ? '0' : fmtMs(LATENCY_BUCKETS_MS[k - 1] ?? Infinity);
}

function bandLabel(b: number): string {
  return b >= LATENCY_BUCKETS_MS.length
    ? `> ${boundaryLabel(b)}`
    : `${boundaryLabel(b)}–${boundaryLabel(b + 1)}`;
}

// Light yellow → orange → red → purple → near black: density reads at a glance, and prints.
const STOPS: [number, number, number][] = [
  [255, 240, 170],
  [253, 174, 97],
  [227, 74, 51],
  [158, 1, 106],
  [40, 11, 84],
];

/** Colour at position `x` in [0, 1] of the scale. */
function scaleColor(x: number): string {
  const pos = Math.min(1, Math.max(0, x)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(pos));
  const f = pos - i;
  const [a, b] = [STOPS[i] ?? [0, 0, 0], STOPS[i + 1] ?? [0, 0, 0]];
  const mix = (k: number) => Math.round((a[k] ?? 0) + ((b[k] ?? 0) - (a[k] ?? 0)) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** Colour of a count on a log scale up to `max`; empty cells are light grey. */
export function heatColor(count: number, max: number): string {
  if (count <= 0) return '#f1f3f5';
  return scaleColor(max <= 1 ? 1 : Math.log(count) / Math.log(max));
}

const LEGEND_WIDTH = 90;

function cellsPlugin(m: HeatmapMatrix): Plugin {
  return {
    id: 'tfxHeatmapCells',
    beforeDatasetsDraw: (chart: Chart) => {
      const { ctx, scales, chartArea } = chart;
      const x = scales.x;
      const y = scales.y;
      if (x === undefined || y === undefined) return;
      ctx.save();
      m.counts.forEach((row, s) => {
        const left = x.getPixelForValue(s);
        const right = x.getPixelForValue(s + 1);
        for (let b = m.lo; b <= m.hi; b++) {
          const top = y.getPixelForValue(b + 1);
          const bottom = y.getPixelForValue(b);
          ctx.fillStyle = heatColor(row[b] ?? 0, m.max);
          // A hairline gap keeps cells distinguishable when seconds are few and wide.
          ctx.fillRect(left, top, Math.max(1, right - left - 0.5), Math.max(1, bottom - top - 0.5));
        }
      });
      // Colour scale on the right: requests per cell.
      const barX = chartArea.right + 24;
      const barTop = chartArea.top + 20;
      const barHeight = Math.max(40, chartArea.bottom - chartArea.top - 40);
      for (let i = 0; i < barHeight; i++) {
        ctx.fillStyle = scaleColor(1 - i / barHeight);
        ctx.fillRect(barX, barTop + i, 18, 1);
      }
      ctx.fillStyle = '#1f2328';
      ctx.font = '12px sans-serif';
      ctx.textAlign = 'left';
      ctx.fillText('requests', barX - 8, barTop - 8);
      ctx.fillText(fmtCount(m.max), barX + 22, barTop + 10);
      ctx.fillText('1', barX + 22, barTop + barHeight);
      ctx.restore();
    },
  };
}

/** Heatmap of one run's latency per second; undefined when its timeline has no seconds. */
export function heatmapChart(
  run: RunData & { result: NonNullable<RunData['result']> },
): ChartSpec | undefined {
  const timeline = run.result.timeline;
  if (timeline.length === 0) return undefined;
  const m = heatmapMatrix(timeline);
  const { name, experiment } = run.summary;
  const perBand = new Array<number>(BUCKETS).fill(0);
  for (const row of m.counts) row.forEach((n, b) => (perBand[b] = (perBand[b] ?? 0) + n));
  const total = perBand.reduce((t, n) => t + n, 0);
  const mode = perBand.indexOf(Math.max(...perBand));
  let slowest: { band: number; second: number } | undefined;
  m.counts.forEach((row, s) =>
    row.forEach((n, b) => {
      if (n > 0 && (slowest === undefined || b > slowest.band)) slowest = { band: b, second: s };
    }),
  );
  const analysis =
    total === 0
      ? `No request completed in the run's ${m.counts.length} seconds; every cell is empty.`
      : `Over ${m.counts.length} seconds, most requests (${fmtPct((perBand[mode] ?? 0) / total, 0)}) fell in the ${bandLabel(mode)} band; ` +
        `the slowest band reached was ${bandLabel(slowest?.band ?? mode)} (first in second ${slowest?.second ?? 0}).`;
  return {
    file: `heatmap-${experiment}-${name}.png`,
    title: `Latency heatmap — ${name}`,
    group: experiment,
    analysis,
    config: {
      type: 'scatter',
      data: { datasets: [{ label: 'cells', data: [] }] },
      options: {
        ...chartOptions(
          `Latency heatmap — ${name}`,
          {
            x: axis('time since load start (s)', {
              type: 'linear',
              min: 0,
              max: m.counts.length,
              ticks: { stepSize: m.counts.length <= 30 ? 1 : undefined, precision: 0 },
              grid: { display: false },
            }),
            y: axis('latency (ms, bucket bounds)', {
              type: 'linear',
              min: m.lo,
              max: m.hi + 1,
              ticks: {
                stepSize: 1,
                autoSkip: false,
                callback: (v: number | string) => boundaryLabel(Number(v)),
              },
              grid: { display: false },
            }),
          },
          { legend: false, subtitle: 'requests per second and latency bucket (colour: log scale)' },
        ),
        layout: { padding: { top: 4, right: LEGEND_WIDTH, bottom: 8, left: 8 } },
      },
      plugins: [cellsPlugin(m)],
    },
  };
}
