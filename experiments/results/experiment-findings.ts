/** Findings and verdict across runs: computed by the runner and recomputed by `terrafix report`, so both agree. */
import { scalabilitySlope } from './findings.js';
import type { ExperimentSummary, Summary } from './summary-schema.js';

/** Findings across an experiment's runs (the scalability slope of CPU per failure, cold and cached). */
export function experimentFindings(exp: ExperimentSummary): Record<string, unknown> {
  if (exp.name !== 'scalability') return {};
  const points = exp.runs.flatMap((r) => {
    const f = r.findings.scalability as
      { repoSize?: string; parseCache?: boolean; cpuMsPerFailure?: number | null } | undefined;
    return f?.repoSize === undefined
      ? []
      : [{ repoSize: f.repoSize, cache: f.parseCache ?? true, cpuMsPerFailure: f.cpuMsPerFailure ?? null }];
  });
  return {
    cpuMsPer100BlocksCold: scalabilitySlope(points.filter((p) => !p.cache)),
    cpuMsPer100BlocksCached: scalabilitySlope(points.filter((p) => p.cache)),
  };
}

/** PASS when every threshold held, no run errored and something ran. */
export function summaryVerdict(experiments: readonly ExperimentSummary[]): Summary['verdict'] {
  const runs = experiments.flatMap((e) => e.runs);
  const failedThresholds = runs.reduce((t, r) => t + r.thresholds.filter((x) => !x.passed).length, 0);
  const errors = runs.filter((r) => r.status === 'error').length;
  const interrupted = runs.some((r) => r.interrupted === true);
  return {
    passed: failedThresholds === 0 && errors === 0 && runs.length > 0 && !interrupted,
    runs: runs.length,
    failedThresholds,
    errors,
  };
}
