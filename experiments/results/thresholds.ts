import type { Threshold } from '../profiles/schema.js';
import type { RunResult } from './run-result.js';

export interface ThresholdResult extends Threshold {
  actual: number;
  passed: boolean;
}

/** The value a threshold metric has in a run. Rates are fractions (0..1). */
export function metricValue(metric: Threshold['metric'], result: RunResult): number {
  switch (metric) {
    case 'p50_ms':
      return result.latency.p50;
    case 'p95_ms':
      return result.latency.p95;
    case 'p99_ms':
      return result.latency.p99;
    case 'error_rate': {
      const errors = Object.values(result.errors).reduce((t, n) => t + n, 0);
      return result.requests === 0 ? 0 : errors / result.requests;
    }
    case 'dropped_rate': {
      const due = result.iterations + result.droppedIterations;
      return due === 0 ? 0 : result.droppedIterations / due;
    }
    case 'achieved_ratio':
      return result.intendedRate === null || result.intendedRate === 0
        ? 1
        : result.achievedRate / result.intendedRate;
  }
}

function holds(op: Threshold['op'], actual: number, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
  }
}

/** Evaluates a run's thresholds (pass/fail SLOs). A run with no requests fails every threshold. */
export function evaluateThresholds(thresholds: readonly Threshold[], result: RunResult): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = metricValue(t.metric, result);
    return {
      ...t,
      actual: Math.round(actual * 10_000) / 10_000,
      passed: result.requests > 0 && holds(t.op, actual, t.value),
    };
  });
}
