import { isDeepStrictEqual } from 'node:util';

/**
 * Differences between the mock configuration a run asked for and what the server reports it is using
 * (GET /status → config). A run whose configuration did not take is an error, not a result.
 */
export function configMismatches(
  requested: Record<string, unknown>,
  effective: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  const scalar: Record<string, string> = {
    latency_ms: 'latency_ms',
    failure_rate: 'failure_rate',
    seed: 'seed',
    workers: 'workers',
    queue_limit: 'queue_limit',
    parse_cache: 'parse_cache',
  };
  for (const [key, field] of Object.entries(scalar)) {
    if (requested[key] !== undefined && !isDeepStrictEqual(requested[key], effective[field])) {
      problems.push(
        `${key}: asked ${JSON.stringify(requested[key])}, server has ${JSON.stringify(effective[field])}`,
      );
    }
  }
  if (requested.retry !== undefined && !isDeepStrictEqual(requested.retry, effective.retry)) {
    problems.push(
      `retry: asked ${JSON.stringify(requested.retry)}, server has ${JSON.stringify(effective.retry)}`,
    );
  }
  const stages = (requested.stages ?? {}) as Record<string, unknown>;
  const overrides = (effective.stage_overrides ?? {}) as Record<string, unknown>;
  for (const [stage, profile] of Object.entries(stages)) {
    const actual = overrides[stage];
    if (profile === null ? actual !== undefined : !isDeepStrictEqual(profile, actual)) {
      problems.push(
        `stages.${stage}: asked ${JSON.stringify(profile)}, server has ${JSON.stringify(actual ?? null)}`,
      );
    }
  }
  return problems;
}
