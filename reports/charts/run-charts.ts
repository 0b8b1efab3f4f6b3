/** Charts across runs: success vs failure, p95 and achieved rate, per-stage breakdown, intended vs achieved rate. */
import { STAGES } from '../../experiments/results/vocabulary.js';
import { ERROR_KINDS } from '../../experiments/results/run-result.js';
import { fmtMs, fmtPct, fmtRate } from '../format.js';
import type { RunSummary } from '../../experiments/results/summary-schema.js';
import type { ChartSpec } from './render.js';
import { alpha, axis, chartOptions, color, wrapLabel } from './style.js';

const GROUP = 'All runs';

/** A category axis of run names that never overlap: wrapped when few, rotated when many. */
export function runAxis(
  title: string,
  runs: readonly { name: string }[],
): { labels: (string | string[])[]; scale: Record<string, unknown> } {
  const many = runs.length > 8;
  return {
    labels: runs.map((r) => (many ? r.name : wrapLabel(r.name))),
    scale: axis(title, {
      ticks: many
        ? { autoSkip: false, maxRotation: 55, minRotation: 55, font: { size: 12 } }
        : { autoSkip: false, maxRotation: 0 },
    }),
  };
}

/** Share of requests that succeeded, and of each error kind, per run. */
export function successFailureChart(runs: readonly RunSummary[]): ChartSpec {
  const kinds = ERROR_KINDS.filter((k) => runs.some((r) => (r.errorsByKind[k] ?? 0) > 0));
  const share = (r: RunSummary, n: number) => (r.requests === 0 ? 0 : (n / r.requests) * 100);
  const failed = (r: RunSummary) => Object.values(r.errorsByKind).reduce((t, n) => t + n, 0);
  const worst = [...runs].sort((a, b) => b.errorRate - a.errorRate)[0];
  const x = runAxis('run', runs);
  const totalRequests = runs.reduce((t, r) => t + r.requests, 0);
  const totalFailed = runs.reduce((t, r) => t + failed(r), 0);
  return {
    file: 'success-failure.png',
    title: 'Success vs failure per run',
    group: GROUP,
    analysis:
      totalFailed === 0
        ? `All ${totalRequests} requests across ${runs.length} runs succeeded.`
        : `${totalFailed} of ${totalRequests} requests failed across ${runs.length} runs; the worst run was ${worst?.name} with ${fmtPct(worst?.errorRate)} failed (${kinds.join(', ')}).`,
    config: {
      type: 'bar',
      data: {
        labels: x.labels,
        datasets: [
          {
            label: 'succeeded',
            data: runs.map((r) => share(r, r.requests - failed(r))),
            backgroundColor: color(2),
          },
          ...kinds.map((k, i) => ({
            label: k,
            data: runs.map((r) => share(r, r.errorsByKind[k] ?? 0)),
            backgroundColor: color([3, 1, 4, 7, 9, 8][i] ?? i),
          })),
        ],
      },
      options: chartOptions('Success vs failure per run', {
        x: { ...x.scale, stacked: true },
        y: axis('share of requests (%)', { stacked: true, min: 0, max: 100 }),
      }),
    },
  };
}

/** p95 latency (left axis) and achieved rate (right axis), grouped per run. */
export function runComparisonChart(runs: readonly RunSummary[]): ChartSpec {
  const x = runAxis('run', runs);
  const slowest = [...runs].sort((a, b) => (b.latencyMs?.p95 ?? 0) - (a.latencyMs?.p95 ?? 0))[0];
  const fastest = [...runs].sort((a, b) => b.achievedRate - a.achievedRate)[0];
  return {
    file: 'comparison.png',
    title: 'p95 latency and achieved rate per run',
    group: GROUP,
    analysis: `Highest p95: ${slowest?.name} at ${fmtMs(slowest?.latencyMs?.p95)}; highest achieved rate: ${fastest?.name} at ${fmtRate(fastest?.achievedRate)}.`,
    config: {
      type: 'bar',
      data: {
        labels: x.labels,
        datasets: [
          {
            label: 'p95 latency (ms)',
            data: runs.map((r) => r.latencyMs?.p95 ?? 0),
            backgroundColor: color(0),
            yAxisID: 'y',
          },
          {
            label: 'achieved rate (req/s)',
            data: runs.map((r) => r.achievedRate),
            backgroundColor: color(1),
            yAxisID: 'y1',
          },
        ],
      },
      options: chartOptions('p95 latency and achieved rate per run', {
        x: x.scale,
        y: axis('p95 latency (ms)', { beginAtZero: true, position: 'left' }),
        y1: axis('achieved rate (req/s)', {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
        }),
      }),
    },
  };
}

/** Mean server time per pipeline stage, stacked per run (from the stage histograms' sum and count). */
export function stageBreakdownChart(runs: readonly RunSummary[]): ChartSpec {
  const withServer = runs.filter((r) => r.server !== null);
  const stages = STAGES.filter((s) => withServer.some((r) => (r.server?.stageMeanMs[s] ?? null) !== null));
  const mean = (r: RunSummary, s: string) => r.server?.stageMeanMs[s] ?? 0;
  const totals = STAGES.map((s) => ({ s, ms: withServer.reduce((t, r) => t + mean(r, s), 0) }));
  const top = totals.sort((a, b) => b.ms - a.ms)[0];
  const heaviest = [...withServer].sort((a, b) => stagesSum(b) - stagesSum(a))[0];
  function stagesSum(r: RunSummary): number {
    return STAGES.reduce((t, s) => t + mean(r, s), 0);
  }
  return {
    file: 'stages.png',
    title: 'Server time per pipeline stage',
    group: GROUP,
    analysis: `Across runs the largest share of server time went to ${top?.s}; the heaviest run was ${heaviest?.name} at ${fmtMs(heaviest === undefined ? null : stagesSum(heaviest))} per failure over all stages.`,
    size: { width: 1000, height: Math.max(560, 140 + 30 * withServer.length) },
    config: {
      type: 'bar',
      data: {
        labels: withServer.map((r) => r.name),
        datasets: stages.map((s, i) => ({
          label: s,
          data: withServer.map((r) => mean(r, s)),
          backgroundColor: color(i),
        })),
      },
      options: chartOptions(
        'Server time per pipeline stage',
        {
          x: axis('mean time per failure (ms)', { stacked: true, beginAtZero: true }),
          y: axis('run', { stacked: true, ticks: { autoSkip: false, font: { size: 12 } } }),
        },
        { indexAxis: 'y', subtitle: 'mean of each stage from the server metrics (stacked)' },
      ),
    },
  };
}

/** Intended (profile) vs achieved rate of the open-model runs. */
export function intendedAchievedChart(runs: readonly RunSummary[]): ChartSpec {
  const open = runs.filter((r) => r.intendedRate !== null);
  const x = runAxis('run (open-model runs)', open);
  const ratio = (r: RunSummary) =>
    r.intendedRate === null || r.intendedRate === 0 ? 1 : r.achievedRate / r.intendedRate;
  const worst = [...open].sort((a, b) => ratio(a) - ratio(b))[0];
  return {
    file: 'intended-vs-achieved.png',
    title: 'Intended vs achieved rate per run',
    group: GROUP,
    analysis:
      worst === undefined || ratio(worst) >= 0.95
        ? `Every open-model run achieved at least 95 % of its intended rate.`
        : `${worst.name} achieved ${fmtRate(worst.achievedRate)} of ${fmtRate(worst.intendedRate)} intended (${fmtPct(ratio(worst), 0)}): the service, or the generator's VUs, could not keep up.`,
    config: {
      type: 'bar',
      data: {
        labels: x.labels,
        datasets: [
          {
            label: 'intended rate',
            data: open.map((r) => r.intendedRate ?? 0),
            backgroundColor: alpha(color(5), 0.8),
          },
          { label: 'achieved rate', data: open.map((r) => r.achievedRate), backgroundColor: color(0) },
        ],
      },
      options: chartOptions('Intended vs achieved rate per run', {
        x: x.scale,
        y: axis('requests per second', { beginAtZero: true }),
      }),
    },
  };
}
