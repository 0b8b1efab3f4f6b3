/**
 * Baseline comparison: per run (matched by experiment and run name) and per metric deltas, and a regression
 * verdict against tolerances. Runs present on one side only are listed, never failed; so are runs that errored.
 */
import { fmtMs, fmtPct, fmtRate, fmtRelative, trim } from './format.js';
import { readSummary } from '../experiments/results/read-summary.js';
import type { RunSummary, Summary } from '../experiments/results/summary-schema.js';

import { DEFAULT_TOLERANCES, type Tolerances } from '../experiments/results/tolerances.js';

export { DEFAULT_TOLERANCES, type Tolerances };

export const COMPARED_METRICS = [
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'achievedRate',
  'errorRate',
  'droppedRate',
] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

export interface MetricDelta {
  metric: ComparedMetric;
  baseline: number | null;
  current: number | null;
  /** current − baseline. */
  delta: number | null;
  /** delta / baseline; null when the baseline is 0 or unknown. */
  relative: number | null;
  /** Whether this metric is gated, and if so whether it broke its tolerance. */
  gated: boolean;
  regressed: boolean;
}

export interface RunComparison {
  experiment: string;
  run: string;
  metrics: MetricDelta[];
  regressed: boolean;
  /** One sentence per regressed metric. */
  reasons: string[];
}

export interface Comparison {
  /** Where the baseline came from (path), for the report. */
  baselineSource: string;
  tolerances: Tolerances;
  runs: RunComparison[];
  /** `experiment/run` present in the current results only. */
  missingInBaseline: string[];
  /** `experiment/run` present in the baseline only. */
  missingInCurrent: string[];
  /** `experiment/run` that errored on either side, with why. */
  notComparable: { run: string; reason: string }[];
  regressions: number;
  regressed: boolean;
  /** Differences in settings that make the comparison less meaningful (engine, duration scale, seed). */
  warnings: string[];
}

const EPSILON = 1e-9;

function metricValue(run: RunSummary, metric: ComparedMetric): number | null {
  switch (metric) {
    case 'p50Ms':
      return run.latencyMs?.p50 ?? null;
    case 'p95Ms':
      return run.latencyMs?.p95 ?? null;
    case 'p99Ms':
      return run.latencyMs?.p99 ?? null;
    case 'achievedRate':
      return run.achievedRate;
    case 'errorRate':
      return run.errorRate;
    case 'droppedRate':
      return run.droppedRate;
  }
}

/** Whether `current` broke the tolerance of `metric` relative to `baseline`; ungated metrics never do. */
function regression(metric: ComparedMetric, baseline: number, current: number, tol: Tolerances): boolean {
  switch (metric) {
    case 'p95Ms':
      return current > baseline * (1 + tol.p95) + EPSILON;
    case 'achievedRate':
      return current < baseline * (1 - tol.achievedRate) - EPSILON;
    case 'errorRate':
      return current - baseline > tol.errorRate + EPSILON;
    default:
      return false;
  }
}

const GATED: ReadonlySet<ComparedMetric> = new Set(['p95Ms', 'achievedRate', 'errorRate']);

function reason(d: MetricDelta, tol: Tolerances): string {
  const change = d.relative === null ? 'from zero' : fmtRelative(d.relative);
  switch (d.metric) {
    case 'p95Ms':
      return `p95 rose from ${fmtMs(d.baseline)} to ${fmtMs(d.current)} (${change}; tolerance +${fmtPct(tol.p95, 1)})`;
    case 'achievedRate':
      return `achieved rate fell from ${fmtRate(d.baseline)} to ${fmtRate(d.current)} (${change}; tolerance −${fmtPct(tol.achievedRate, 1)})`;
    default:
      return `error rate rose from ${fmtPct(d.baseline)} to ${fmtPct(d.current)} (tolerance +${trim(tol.errorRate * 100, 2)} percentage points)`;
  }
}

/** Per-metric deltas of one run pair. */
export function compareRun(baseline: RunSummary, current: RunSummary, tol: Tolerances): RunComparison {
  const metrics = COMPARED_METRICS.map((metric): MetricDelta => {
    const b = metricValue(baseline, metric);
    const c = metricValue(current, metric);
    const delta = b === null || c === null ? null : c - b;
    const relative = delta === null || b === null || b === 0 ? null : delta / b;
    const gated = GATED.has(metric);
    return {
      metric,
      baseline: b,
      current: c,
      delta,
      relative,
      gated,
      regressed: gated && b !== null && c !== null && regression(metric, b, c, tol),
    };
  });
  const bad = metrics.filter((m) => m.regressed);
  return {
    experiment: current.experiment,
    run: current.name,
    metrics,
    regressed: bad.length > 0,
    reasons: bad.map((m) => reason(m, tol)),
  };
}

function settingWarnings(baseline: Summary, current: Summary): string[] {
  const warnings: string[] = [];
  if (baseline.engine.name !== current.engine.name)
    warnings.push(`engines differ: baseline ${baseline.engine.name}, current ${current.engine.name}`);
  if (baseline.durationScale !== current.durationScale)
    warnings.push(
      `duration scales differ: baseline ${baseline.durationScale}, current ${current.durationScale}`,
    );
  if (baseline.seed !== current.seed)
    warnings.push(`seeds differ: baseline ${baseline.seed}, current ${current.seed}`);
  return warnings;
}

const runsOf = (s: Summary) =>
  new Map(s.experiments.flatMap((e) => e.runs.map((r) => [`${e.name}/${r.name}`, r] as const)));

/** Compares `current` with `baseline` run by run. */
export function compareSummaries(
  baseline: Summary,
  current: Summary,
  tolerances: Tolerances = DEFAULT_TOLERANCES,
  baselineSource = 'baseline',
): Comparison {
  const before = runsOf(baseline);
  const after = runsOf(current);
  const runs: RunComparison[] = [];
  const notComparable: Comparison['notComparable'] = [];
  for (const [key, run] of after) {
    const old = before.get(key);
    if (old === undefined) continue;
    if (run.status === 'error' || old.status === 'error') {
      const side = run.status === 'error' ? 'current' : 'baseline';
      notComparable.push({ run: key, reason: `errored in the ${side} results` });
      continue;
    }
    runs.push(compareRun(old, run, tolerances));
  }
  const regressions = runs.filter((r) => r.regressed).length;
  return {
    baselineSource,
    tolerances,
    runs,
    missingInBaseline: [...after.keys()].filter((k) => !before.has(k)),
    missingInCurrent: [...before.keys()].filter((k) => !after.has(k)),
    notComparable,
    regressions,
    regressed: regressions > 0,
    warnings: settingWarnings(baseline, current),
  };
}

/** Reads a baseline (a result folder or an experiment_summary.json) and compares `current` with it. */
export async function compareWithBaseline(
  baselinePath: string,
  current: Summary,
  tolerances: Tolerances = DEFAULT_TOLERANCES,
): Promise<Comparison> {
  const baseline = await readSummary(baselinePath, '--baseline');
  return compareSummaries(baseline, current, tolerances, baselinePath);
}
