/**
 * The run spec the runner writes as JSON and terrafix.ts reads (`k6 run -e TERRAFIX_SPEC=/abs/spec.json`).
 * Pure and dependency-free on purpose: it is type-checked both against @types/k6 (experiments/k6/tsconfig.json)
 * and against Node (K6Engine), so its load shape is a structural copy of profiles/schema.ts `LoadShape`
 * (importing that module would drag zod and the mock controls into the k6 bundle). K6Engine assigns a
 * `LoadShape` to `K6LoadShape`, so the compiler reports any drift.
 */
import type { PayloadMixInput } from '../payloads.js';

export interface K6Stage {
  target: number;
  /** Seconds (may be fractional after --duration-scale). */
  duration: number;
}

export type K6LoadShape =
  | {
      executor: 'constant-arrival-rate';
      rate: number;
      duration: number;
      preAllocatedVUs: number;
      maxVUs: number;
    }
  | {
      executor: 'ramping-arrival-rate';
      startRate: number;
      stages: readonly K6Stage[];
      preAllocatedVUs: number;
      maxVUs: number;
    }
  | { executor: 'constant-vus'; vus: number; duration: number; pacing: number }
  | { executor: 'ramping-vus'; startVUs: number; stages: readonly K6Stage[]; pacing: number };

export interface K6StopWhen {
  p99Ms?: number | undefined;
  errorRate?: number | undefined;
  droppedRate?: number | undefined;
  sustainSeconds: number;
}

/** One k6 threshold: the short string form or the long form with abortOnFail. */
export type K6Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export const SPEC_FORMAT = 'terrafix-k6-spec/1';

export interface K6Spec {
  format: typeof SPEC_FORMAT;
  /** Base URL of the target, without a trailing slash. */
  baseUrl: string;
  load: K6LoadShape;
  payload: PayloadMixInput;
  seed: number;
  requestTimeoutMs: number;
  maxRequests: number;
  stopWhen: K6StopWhen | null;
  /** The profile's thresholds already in k6 syntax (options.ts `k6Thresholds`), keyed by (sub)metric. */
  thresholds: Record<string, K6Threshold[]>;
  /** `failed_at` of every generated failure: fixed per run so request bodies are reproducible. */
  failedAt: string;
  /** Expected request latency (ms) at the planned load: sizes pre-allocated VUs (options.ts). */
  expectedLatencyMs?: number | undefined;
  /** Set by the runner, which applies stopWhen itself and stops k6 through its REST API. */
  runnerStops?: boolean | undefined;
}

const EXECUTORS = ['constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'ramping-vus'];

/** Parses the spec file text; throws an Error naming the first missing or wrong field. */
export function parseSpec(text: string): K6Spec {
  const value: unknown = JSON.parse(text);
  if (!isRecord(value) || value['format'] !== SPEC_FORMAT)
    throw new Error(`spec: format must be ${SPEC_FORMAT}`);
  const load = value['load'];
  if (!isRecord(load) || !EXECUTORS.includes(String(load['executor'])))
    throw new Error('spec: load.executor is missing or unknown');
  for (const field of ['seed', 'requestTimeoutMs', 'maxRequests']) {
    if (typeof value[field] !== 'number') throw new Error(`spec: ${field} must be a number`);
  }
  for (const field of ['baseUrl', 'failedAt']) {
    if (typeof value[field] !== 'string') throw new Error(`spec: ${field} must be a string`);
  }
  if (!isRecord(value['payload'])) throw new Error('spec: payload must be an object');
  if (!isRecord(value['thresholds'])) throw new Error('spec: thresholds must be an object');
  // The fields above are checked; the rest is written by K6Engine from a validated profile.
  return value as unknown as K6Spec;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
