/**
 * The engine's own ceiling: a closed model with no pacing posting a small fixed body as fast as answers come,
 * for the bench to compare with autocannon configured the same way (MAX_RATE_REQUEST).
 */
import type { RunResult } from '../../experiments/results/run-result.js';
import { runLoad } from '../../experiments/engine/run-load.js';
import type { IterationBody } from '../../experiments/engine/vu.js';

/** The request both generators send in the max-rate comparison (autocannon: method, path, headers, body). */
export const MAX_RATE_REQUEST = {
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/json' },
  body: '{"probe":true}',
} as const;

export interface MaxRateMeasurement {
  /** Completed requests per second over the run. */
  requestsPerSecond: number;
  requests: number;
  errors: number;
  result: RunResult;
}

/** Closed model, `connections` VUs, pacing 0, for `seconds` against a loopback target. */
export async function measureEngineMaxRate(
  baseUrl: string,
  seconds: number,
  connections: number,
): Promise<MaxRateMeasurement> {
  const body: IterationBody = {
    path: MAX_RATE_REQUEST.path,
    body: Buffer.from(MAX_RATE_REQUEST.body),
    items: 0,
  };
  const result = await runLoad({
    baseUrl,
    load: { executor: 'constant-vus', vus: connections, duration: seconds, pacing: 0 },
    source: () => body,
    requestTimeoutMs: 10_000,
    maxRequests: Number.MAX_SAFE_INTEGER,
  });
  const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
  return { requestsPerSecond: result.achievedRate, requests: result.requests, errors, result };
}
