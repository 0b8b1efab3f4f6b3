/** The spec file K6Engine hands the k6 script: an EngineRunSpec plus the profile's thresholds in k6 syntax. */
import { k6Thresholds, type ProfileThreshold } from '../k6/options.js';
import { type K6Spec, SPEC_FORMAT } from '../k6/spec.js';
import type { Threshold } from '../profiles/schema.js';
import type { EngineRunSpec } from './port.js';

/** What K6Engine.run accepts: any EngineRunSpec (its thresholds are judged by k6 too). */
export type K6RunSpec = EngineRunSpec;

// Compile-time guard: the profile threshold type and options.ts's copy of it must stay the same shape.
const sameThreshold: (t: Threshold) => ProfileThreshold = (t) => t;
void sameThreshold;

/**
 * The JSON the script reads (`failedAt` fixes failed_at for the whole run, so bodies are reproducible).
 * `runnerStops`: the runner applies stopWhen itself (no abort-on-fail thresholds in k6). The webhook secret is
 * never written here (k6 reads it from its environment).
 */
export function toK6Spec(spec: K6RunSpec, failedAt: Date, runnerStops = false): K6Spec {
  return {
    format: SPEC_FORMAT,
    baseUrl: spec.baseUrl.replace(/\/+$/, ''),
    // LoadShape is assignable to K6LoadShape: a drift between schema.ts and spec.ts fails the type check here.
    load: spec.load,
    payload: spec.payload,
    seed: spec.seed,
    requestTimeoutMs: spec.requestTimeoutMs,
    maxRequests: spec.maxRequests,
    stopWhen: spec.stopWhen ?? null,
    thresholds: k6Thresholds(spec.thresholds ?? [], spec.load).thresholds,
    failedAt: failedAt.toISOString(),
    ...(spec.expectedLatencyMs === undefined ? {} : { expectedLatencyMs: spec.expectedLatencyMs }),
    ...(runnerStops ? { runnerStops: true } : {}),
  };
}
