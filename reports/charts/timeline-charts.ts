/** Charts over time: throughput and queue depth per experiment, latency percentiles per run. */
import { fmtCount, fmtMs, fmtRate } from '../format.js';
import type { RunData } from '../../experiments/results/rebuild-summary.js';
import type { ChartSpec } from './render.js';
import { axis, chartOptions, color, pointRadius } from './style.js';

type Measured = RunData & { result: NonNullable<RunData['result']> };

/** A seconds axis from 0 to the last second recorded (no empty tail up to a round number). */
const seconds = (runs: readonly { result: { timeline: readonly { t: number }[] } }[]) =>
  axis('time since load start (s)', {
    type: 'linear',
    min: 0,
    max: Math.max(1, ...runs.flatMap((r) => r.result.timeline.map((p) => p.t))),
  });

/** Requests completed per second, one line per run of the experiment. */
export function throughputChart(experiment: string, runs: Measured[]): ChartSpec {
  let peak = { rate: 0, run: '', t: 0 };
  for (const r of runs)
    for (const p of r.result.timeline)
      if (p.requests > peak.rate) peak = { rate: p.requests, run: r.summary.name, t: p.t };
  const means = runs.map((r) => `${r.summary.name} ${fmtRate(r.summary.achievedRate)}`);
  return {
    file: `throughput-${experiment}.png`,
    title: `Throughput over time — ${experiment}`,
    group: experiment,
    analysis:
      `Highest one-second throughput: ${fmtRate(peak.rate)} (${peak.run}, second ${peak.t}). ` +
      `Mean over each run: ${means.slice(0, 6).join(', ')}${means.length > 6 ? ', …' : ''}.`,
    config: {
      type: 'line',
      data: {
        datasets: runs.map((r, i) => ({
          label: r.summary.name,
          data: r.result.timeline.map((p) => ({ x: p.t, y: p.requests })),
          borderColor: color(i),
          backgroundColor: color(i),
          pointRadius: pointRadius(r.result.timeline.length),
          borderWidth: 2,
        })),
      },
      options: chartOptions(`Throughput over time — ${experiment}`, {
        x: seconds(runs),
        y: axis('requests completed per second', { beginAtZero: true }),
      }),
    },
  };
}

/** p50, p95 and p99 of each second of one run (seconds without requests are gaps). */
export function latencyOverTimeChart(run: Measured): ChartSpec {
  const { name, experiment } = run.summary;
  const timeline = run.result.timeline;
  const series = (key: 'p50' | 'p95' | 'p99') =>
    timeline.map((p) => ({ x: p.t, y: p.requests === 0 ? null : p[key] }));
  const worst = timeline.reduce((w, p) => (p.requests > 0 && p.p99 > w.p99 ? p : w), { t: 0, p99: 0 });
  const p50s = timeline
    .filter((p) => p.requests > 0)
    .map((p) => p.p50)
    .sort((a, b) => a - b);
  const idle = timeline.filter((p) => p.requests === 0).length;
  return {
    file: `latency-${experiment}-${name}.png`,
    title: `Latency percentiles over time — ${name}`,
    group: experiment,
    analysis:
      `p99 peaked at ${fmtMs(worst.p99)} in second ${worst.t}; the median second had p50 ${fmtMs(p50s[Math.floor((p50s.length - 1) / 2)])}` +
      `${idle > 0 ? `; ${fmtCount(idle)} seconds completed no request (gaps)` : ''}.`,
    config: {
      type: 'line',
      data: {
        datasets: (['p50', 'p95', 'p99'] as const).map((key, i) => ({
          label: key,
          data: series(key),
          borderColor: color(i),
          backgroundColor: color(i),
          pointRadius: pointRadius(timeline.length),
          borderWidth: 2,
          spanGaps: false,
        })),
      },
      options: chartOptions(`Latency percentiles over time — ${name}`, {
        x: seconds([run]),
        y: axis('latency (ms)', { beginAtZero: true }),
      }),
    },
  };
}

/** Queue depth from the server's /metrics scrapes, one line per run of the experiment. */
export function queueDepthChart(experiment: string, runs: RunData[]): ChartSpec {
  let peak = { depth: 0, run: '', t: 0 };
  for (const r of runs)
    for (const s of r.scrapes)
      if (s.queueDepth > peak.depth) peak = { depth: s.queueDepth, run: r.summary.name, t: s.t };
  const leftOver = runs.filter((r) => (r.scrapes.at(-1)?.queueDepth ?? 0) > 0).map((r) => r.summary.name);
  const analysis =
    peak.depth === 0
      ? 'The queue never held a waiting failure: workers kept up with intake in every run.'
      : `Queue depth peaked at ${fmtCount(peak.depth)} (${peak.run}, ${peak.t} s); ` +
        (leftOver.length === 0
          ? 'it was empty again at the end of every run.'
          : `still queued at the end: ${leftOver.join(', ')}.`);
  return {
    file: `queue-${experiment}.png`,
    title: `Queue depth over time — ${experiment}`,
    group: experiment,
    analysis,
    config: {
      type: 'line',
      data: {
        datasets: runs.map((r, i) => ({
          label: r.summary.name,
          data: r.scrapes.map((s) => ({ x: s.t, y: s.queueDepth })),
          borderColor: color(i),
          backgroundColor: color(i),
          pointRadius: pointRadius(r.scrapes.length),
          borderWidth: 2,
          stepped: true,
        })),
      },
      options: chartOptions(`Queue depth over time — ${experiment}`, {
        // The pre-run scrape sits just before 0; start the axis at the whole second below it, not at a round -5.
        x: axis('time since load start (s)', {
          type: 'linear',
          min: Math.floor(Math.min(0, ...runs.flatMap((r) => r.scrapes.map((s) => s.t)))),
        }),
        y: axis('failures waiting in the queue', { beginAtZero: true, ticks: { precision: 0 } }),
      }),
    },
  };
}
