/** Experiment-specific charts: latency and CPU vs repository size (scalability), offered vs achieved rate (knee). */
import { REPO_SIZES } from '../../experiments/results/vocabulary.js';
import { fmtMs, fmtRate } from '../format.js';
import type { RunData } from '../../experiments/results/rebuild-summary.js';
import type { RunSummary } from '../../experiments/results/summary-schema.js';
import type { ChartSpec } from './render.js';
import { alpha, axis, chartOptions, color, pointRadius } from './style.js';

type Rec = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

interface ScalePoint {
  size: string;
  cached: boolean;
  p50: number | null;
  p95: number | null;
  cpu: number | null;
}

/** The scalability findings of the runs that have them. */
export function scalabilityPoints(runs: readonly RunSummary[]): ScalePoint[] {
  return runs.flatMap((r) => {
    const f = r.findings.scalability as Rec | undefined;
    if (f === undefined || typeof f.repoSize !== 'string') return [];
    return [
      {
        size: f.repoSize,
        cached: f.parseCache !== false,
        p50: num(f.p50Ms),
        p95: num(f.p95Ms),
        cpu: num(f.cpuMsPerFailure),
      },
    ];
  });
}

/** p50/p95 (lines, left) and CPU ms per failure (bars, right) by repository size, cold vs cached parse. */
export function scalabilityChart(points: ScalePoint[], experiment: string, findings: Rec): ChartSpec {
  const sizes = [...REPO_SIZES, 'mixed'].filter((s) => points.some((p) => p.size === s));
  const at = (cached: boolean, key: 'p50' | 'p95' | 'cpu') =>
    sizes.map((s) => points.find((p) => p.size === s && p.cached === cached)?.[key] ?? null);
  const line = (label: string, data: (number | null)[], i: number, dashed: boolean) => ({
    type: 'line' as const,
    label,
    data,
    borderColor: color(i),
    backgroundColor: color(i),
    borderDash: dashed ? [6, 4] : [],
    pointRadius: 4,
    borderWidth: 2,
    spanGaps: true,
    yAxisID: 'y',
  });
  const bars = (label: string, data: (number | null)[], i: number) => ({
    type: 'bar' as const,
    label,
    data,
    backgroundColor: alpha(color(i), 0.35),
    borderColor: color(i),
    borderWidth: 1,
    yAxisID: 'y1',
  });
  const cold = num(findings.cpuMsPer100BlocksCold);
  const cached = num(findings.cpuMsPer100BlocksCached);
  const largest = sizes.filter((s) => s !== 'mixed').at(-1);
  const p95Cold = points.find((p) => p.size === largest && !p.cached)?.p95 ?? null;
  const p95Cached = points.find((p) => p.size === largest && p.cached)?.p95 ?? null;
  return {
    file: `scalability-${experiment}.png`,
    title: 'Latency and CPU vs repository size',
    group: experiment,
    analysis:
      `CPU per failure grows by ${fmtMs(cold)} per 100 resource blocks with a cold parse cache and by ${fmtMs(cached)} with it on` +
      (largest === undefined
        ? '.'
        : `; at ${largest} size p95 is ${fmtMs(p95Cold)} cold vs ${fmtMs(p95Cached)} cached.`),
    config: {
      type: 'bar',
      data: {
        labels: sizes,
        datasets: [
          line('p50 cold', at(false, 'p50'), 0, false),
          line('p95 cold', at(false, 'p95'), 3, false),
          line('p50 cached', at(true, 'p50'), 5, true),
          line('p95 cached', at(true, 'p95'), 4, true),
          bars('CPU ms/failure cold', at(false, 'cpu'), 1),
          bars('CPU ms/failure cached', at(true, 'cpu'), 2),
        ],
      },
      options: chartOptions('Latency and CPU vs repository size', {
        x: axis('repository size'),
        y: axis('latency (ms)', { beginAtZero: true, position: 'left' }),
        y1: axis('CPU ms per failure', {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
        }),
      }),
    },
  };
}

type Measured = RunData & { result: NonNullable<RunData['result']> };

/** Offered (scheduled) vs achieved (2xx) per second, with p99 on the right axis: where the knee bends. */
export function kneeChart(run: Measured): ChartSpec {
  const { name, experiment } = run.summary;
  const timeline = run.result.timeline;
  const knee = run.summary.findings.knee as Rec | undefined;
  const cascade = run.summary.findings.cascade as Rec | undefined;
  const levels = Array.isArray(knee?.levels) ? (knee.levels as Rec[]) : [];
  const gap = timeline.reduce(
    (w, p) =>
      p.scheduled - (p.requests - p.errors) > w.gap
        ? { gap: p.scheduled - (p.requests - p.errors), t: p.t, offered: p.scheduled }
        : w,
    { gap: 0, t: 0, offered: 0 },
  );
  let analysis: string;
  if (levels.length > 0)
    analysis = `Maximum sustainable rate ${fmtRate(num(knee?.maxSustainableRate))} over ${levels.length} held levels (${levels.map((l) => `${fmtRate(num(l.rate))}: ${l.sustainable === true ? 'held' : `achieved ${fmtRate(num(l.achievedRate))}, p99 ${fmtMs(num(l.p99Ms))}`}`).join('; ')}).`;
  else if (cascade !== undefined && num(cascade.brokeAtSecond) !== null)
    analysis = `The service broke at second ${num(cascade.brokeAtSecond)} (offered ${fmtRate(num(cascade.breakingPointRate))}); the widest gap between offered and completed was ${fmtRate(gap.gap)} in second ${gap.t}.`;
  else
    analysis =
      gap.gap <= 0
        ? 'Completed requests kept pace with the offered rate in every second.'
        : `The widest gap between offered and completed was ${fmtRate(gap.gap)} in second ${gap.t}, at ${fmtRate(gap.offered)} offered.`;
  return {
    file: `knee-${experiment}-${name}.png`,
    title: `Offered vs achieved rate — ${name}`,
    group: experiment,
    analysis,
    config: {
      type: 'line',
      data: {
        datasets: [
          {
            label: 'offered (iterations scheduled/s)',
            data: timeline.map((p) => ({ x: p.t, y: p.scheduled })),
            borderColor: color(7),
            backgroundColor: color(7),
            borderDash: [6, 4],
            pointRadius: pointRadius(timeline.length),
            borderWidth: 2,
            yAxisID: 'y',
          },
          {
            label: 'achieved (2xx/s)',
            data: timeline.map((p) => ({ x: p.t, y: p.requests - p.errors })),
            borderColor: color(2),
            backgroundColor: color(2),
            pointRadius: pointRadius(timeline.length),
            borderWidth: 2,
            yAxisID: 'y',
          },
          {
            label: 'p99 latency (ms, right axis)',
            data: timeline.map((p) => ({ x: p.t, y: p.requests === 0 ? null : p.p99 })),
            borderColor: alpha(color(3), 0.8),
            backgroundColor: alpha(color(3), 0.8),
            pointRadius: pointRadius(timeline.length),
            borderWidth: 1.5,
            yAxisID: 'y1',
          },
        ],
      },
      options: chartOptions(`Offered vs achieved rate — ${name}`, {
        x: axis('time since load start (s)', { type: 'linear', min: 0 }),
        y: axis('requests per second', { beginAtZero: true, position: 'left' }),
        y1: axis('p99 latency (ms)', {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
        }),
      }),
    },
  };
}

/** Per held level of a knee search: offered vs achieved rate, sustainable levels in green. */
export function kneeLevelsChart(run: RunSummary): ChartSpec | undefined {
  const knee = run.findings.knee as Rec | undefined;
  const levels = Array.isArray(knee?.levels) ? (knee.levels as Rec[]) : [];
  if (levels.length === 0) return undefined;
  const max = num(knee?.maxSustainableRate);
  const first = levels.find((l) => l.sustainable !== true);
  return {
    file: `knee-levels-${run.experiment}-${run.name}.png`,
    title: `Knee: achieved rate per offered level — ${run.name}`,
    group: run.experiment,
    analysis:
      (max === null ? 'No level was sustainable' : `Sustained up to ${fmtRate(max)}`) +
      (first === undefined
        ? '; every level held.'
        : `; at ${fmtRate(num(first.rate))} the service achieved ${fmtRate(num(first.achievedRate))} with p99 ${fmtMs(num(first.p99Ms))}.`),
    config: {
      type: 'bar',
      data: {
        labels: levels.map((l) => fmtRate(num(l.rate))),
        datasets: [
          { label: 'offered', data: levels.map((l) => num(l.rate)), backgroundColor: alpha(color(7), 0.3) },
          {
            label: 'achieved 2xx (green: within the SLO, red: not)',
            data: levels.map((l) => num(l.achievedRate)),
            backgroundColor: levels.map((l) => (l.sustainable === true ? color(2) : color(3))),
          },
        ],
      },
      options: chartOptions(`Knee: achieved rate per offered level — ${run.name}`, {
        x: axis('offered level'),
        y: axis('requests per second', { beginAtZero: true }),
      }),
    },
  };
}
