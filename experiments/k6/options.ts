/**
 * k6 `options` for one run, built from the spec: one scenario from the load shape, thresholds from the profile
 * (already translated by K6Engine with `k6Thresholds`) plus abort-on-fail thresholds from `stopWhen`.
 * Pure: imported by the k6 script (bundled) and by K6Engine (Node). The option types are structural copies of
 * the @types/k6 0.47 ones; terrafix.ts assigns the result to `Options`, so the k6 type check catches drift.
 */
import type { K6LoadShape, K6Spec, K6StopWhen, K6Threshold } from './spec.js';

/**
 * The one scenario's name: k6 tags every sample of its iterations with `scenario:load`, and setup()'s readiness
 * probe, which runs outside any scenario, with no scenario tag. That system tag alone marks the load: a custom
 * tag as well would be written on each of the ~13 samples k6 emits per request (about 10 % of the NDJSON).
 */
export const SCENARIO = 'load';
/** Every threshold (profile, stop, accounting) selects the load's samples by the scenario tag. */
export const LOAD_SELECTOR = `{scenario:${SCENARIO}}`;

export const SUMMARY_TREND_STATS = [
  'min',
  'avg',
  'med',
  'p(90)',
  'p(95)',
  'p(99)',
  'p(99.9)',
  'max',
  'count',
];
/**
 * System tags the conversion reads; every other one (url, name, method, proto, group, expected_response, ...)
 * would be repeated on each of the ~12 samples k6 writes per request, so dropping them shrinks the NDJSON most.
 */
export const SYSTEM_TAGS = ['status', 'error_code', 'scenario'];

/**
 * Always-true thresholds that make k6 keep load-only submetrics in its end-of-test data, so the text summary
 * counts the load's requests and not setup()'s readiness probe. They never fail and are not printed.
 */
export const ACCOUNTING_THRESHOLDS: Record<string, string[]> = {
  [`http_reqs${LOAD_SELECTOR}`]: ['count>=0'],
  [`http_req_duration${LOAD_SELECTOR}`]: ['max>=0'],
  [`http_req_failed${LOAD_SELECTOR}`]: ['rate>=0'],
};

interface ScenarioCommon {
  gracefulStop: string;
}
export type K6Scenario = ScenarioCommon &
  (
    | {
        executor: 'constant-arrival-rate';
        rate: number;
        timeUnit: string;
        duration: string;
        preAllocatedVUs: number;
        maxVUs: number;
      }
    | {
        executor: 'ramping-arrival-rate';
        startRate: number;
        timeUnit: string;
        stages: { target: number; duration: string }[];
        preAllocatedVUs: number;
        maxVUs: number;
      }
    | { executor: 'constant-vus'; vus: number; duration: string }
    | {
        executor: 'ramping-vus';
        startVUs: number;
        stages: { target: number; duration: string }[];
        gracefulRampDown: string;
      }
  );

export interface K6Options {
  scenarios: Record<string, K6Scenario>;
  thresholds: Record<string, K6Threshold[]>;
  summaryTrendStats: string[];
  systemTags: string[];
  discardResponseBodies: boolean;
}

/** The profile threshold form (profiles/schema.ts `Threshold`), repeated here to keep the bundle free of zod. */
export interface ProfileThreshold {
  metric: 'p50_ms' | 'p95_ms' | 'p99_ms' | 'error_rate' | 'dropped_rate' | 'achieved_ratio';
  op: '<' | '<=' | '>' | '>=';
  value: number;
}

/** Whether the shape is an open model (arrival rate: iterations start on a clock, not when a VU frees up). */
export function isOpenModel(load: K6LoadShape): boolean {
  return load.executor === 'constant-arrival-rate' || load.executor === 'ramping-arrival-rate';
}

/** Planned length of the shape in seconds. */
export function plannedDuration(load: K6LoadShape): number {
  return 'duration' in load ? load.duration : load.stages.reduce((t, s) => t + s.duration, 0);
}

/** Iterations an open model plans to start (stages ramp linearly, as k6 does); null for closed models. */
export function plannedIterations(load: K6LoadShape): number | null {
  if (load.executor === 'constant-arrival-rate') return load.rate * load.duration;
  if (load.executor !== 'ramping-arrival-rate') return null;
  let from = load.startRate;
  let total = 0;
  for (const stage of load.stages) {
    total += ((from + stage.target) / 2) * stage.duration;
    from = stage.target;
  }
  return total;
}

/** Average offered rate (iterations/s) of an open model over its planned duration; null for closed models. */
export function intendedRate(load: K6LoadShape): number | null {
  const planned = plannedIterations(load);
  const duration = plannedDuration(load);
  return planned === null || duration <= 0 ? null : planned / duration;
}

/** A k6 duration string with millisecond precision (durations may be fractional after --duration-scale). */
export function k6Duration(seconds: number): string {
  return `${Math.round(seconds * 1000)}ms`;
}

/**
 * k6 takes integer rates per `timeUnit`; fractional profile rates (0.5/s) are expressed with a longer unit
 * (5 per 10s), which spaces iterations identically. Returns the multiplier (1 = the usual '1s').
 */
export function rateMultiplier(rates: readonly number[]): number {
  for (const m of [1, 10, 100, 1000]) {
    if (rates.every((r) => Math.abs(r * m - Math.round(r * m)) < 1e-9 * Math.max(1, r * m))) return m;
  }
  return 1000;
}

/** Highest offered rate (iterations/s) of an open model; null for closed models. */
export function plannedPeakRate(load: K6LoadShape): number | null {
  if (load.executor === 'constant-arrival-rate') return load.rate;
  if (load.executor !== 'ramping-arrival-rate') return null;
  return Math.max(load.startRate, ...load.stages.map((s) => s.target));
}

/**
 * VUs to initialise before the load starts: enough for the peak rate at the expected latency (Little's law,
 * with 25 % headroom), never fewer than the profile asks, never more than maxVUs. k6 initialises VUs it has to
 * add mid-run one by one at the very moment it is busiest, which measures k6 instead of the target.
 */
export function preAllocatedVUsFor(
  load: Extract<K6LoadShape, { preAllocatedVUs: number }>,
  expectedLatencyMs: number | undefined,
): number {
  const peak = plannedPeakRate(load) ?? 0;
  if (expectedLatencyMs === undefined || !(expectedLatencyMs > 0)) return load.preAllocatedVUs;
  const need = Math.ceil(peak * (expectedLatencyMs / 1000) * 1.25) + 1;
  return Math.min(load.maxVUs, Math.max(load.preAllocatedVUs, need));
}

/** The scenario for a load shape; in-flight requests get the request timeout (plus 1 s) to finish at the end. */
export function scenarioFor(
  load: K6LoadShape,
  requestTimeoutMs: number,
  expectedLatencyMs?: number,
): K6Scenario {
  const common: ScenarioCommon = {
    gracefulStop: `${Math.ceil(requestTimeoutMs) + 1000}ms`,
  };
  switch (load.executor) {
    case 'constant-arrival-rate': {
      const m = rateMultiplier([load.rate]);
      return {
        ...common,
        executor: load.executor,
        rate: Math.round(load.rate * m),
        timeUnit: `${m}s`,
        duration: k6Duration(load.duration),
        preAllocatedVUs: preAllocatedVUsFor(load, expectedLatencyMs),
        maxVUs: load.maxVUs,
      };
    }
    case 'ramping-arrival-rate': {
      const m = rateMultiplier([load.startRate, ...load.stages.map((s) => s.target)]);
      return {
        ...common,
        executor: load.executor,
        startRate: Math.round(load.startRate * m),
        timeUnit: `${m}s`,
        stages: load.stages.map((s) => ({
          target: Math.round(s.target * m),
          duration: k6Duration(s.duration),
        })),
        preAllocatedVUs: preAllocatedVUsFor(load, expectedLatencyMs),
        maxVUs: load.maxVUs,
      };
    }
    case 'constant-vus':
      return { ...common, executor: load.executor, vus: load.vus, duration: k6Duration(load.duration) };
    case 'ramping-vus':
      return {
        ...common,
        executor: load.executor,
        startVUs: load.startVUs,
        stages: load.stages.map((s) => ({ target: s.target, duration: k6Duration(s.duration) })),
        gracefulRampDown: common.gracefulStop,
      };
  }
}

/** A number as k6's threshold parser reads it: plain decimal, no exponent. */
export function k6Number(value: number): string {
  const short = String(Number(value.toFixed(6)));
  return short.includes('e') ? value.toFixed(6) : short;
}

/**
 * Profile thresholds in k6 syntax. Ratios k6 has no metric for are expressed against the planned iterations of
 * an open model (dropped_rate: dropped count vs value × planned; achieved_ratio: request count vs value ×
 * planned), judged at the end of the run; on closed models they are skipped (the runner evaluates every
 * threshold itself from the RunResult anyway, for both engines).
 */
export function k6Thresholds(
  thresholds: readonly ProfileThreshold[],
  load: K6LoadShape,
): { thresholds: Record<string, K6Threshold[]>; skipped: ProfileThreshold[] } {
  const out: Record<string, K6Threshold[]> = {};
  const skipped: ProfileThreshold[] = [];
  const planned = plannedIterations(load);
  const add = (metric: string, expression: string): void => {
    (out[metric] ??= []).push(expression);
  };
  for (const t of thresholds) {
    const v = k6Number(t.value);
    switch (t.metric) {
      case 'p50_ms':
      case 'p95_ms':
      case 'p99_ms':
        add(`http_req_duration${LOAD_SELECTOR}`, `p(${t.metric.slice(1, 3)})${t.op}${v}`);
        break;
      case 'error_rate':
        add(`http_req_failed${LOAD_SELECTOR}`, `rate${t.op}${v}`);
        break;
      case 'dropped_rate':
        // Only the load scenario drops iterations: the whole metric is the load's.
        if (planned === null) skipped.push(t);
        else add('dropped_iterations', `count${t.op}${k6Number(t.value * planned)}`);
        break;
      case 'achieved_ratio':
        if (planned === null) skipped.push(t);
        else add(`http_reqs${LOAD_SELECTOR}`, `count${t.op}${k6Number(t.value * planned)}`);
        break;
    }
  }
  return { thresholds: out, skipped };
}

/**
 * stopWhen as abort-on-fail thresholds, for runs of the script without the runner. k6 judges them on the
 * cumulative aggregate since the start (re-evaluated every few seconds, first after sustainSeconds), a coarser
 * proxy of the per-second rule; K6Engine also applies the exact per-second rule to the live NDJSON and stops k6
 * itself. Breach means strictly above the limit, so the k6 pass condition is `<=`.
 */
export function stopThresholds(
  stopWhen: K6StopWhen | null,
  load: K6LoadShape,
): Record<string, K6Threshold[]> {
  if (stopWhen === null) return {};
  const out: Record<string, K6Threshold[]> = {};
  const rule = (threshold: string): K6Threshold => ({
    threshold,
    abortOnFail: true,
    delayAbortEval: `${stopWhen.sustainSeconds}s`,
  });
  if (stopWhen.p99Ms !== undefined)
    out[`http_req_duration${LOAD_SELECTOR}`] = [rule(`p(99)<=${k6Number(stopWhen.p99Ms)}`)];
  if (stopWhen.errorRate !== undefined)
    out[`http_req_failed${LOAD_SELECTOR}`] = [rule(`rate<=${k6Number(stopWhen.errorRate)}`)];
  const rate = intendedRate(load);
  // dropped_iterations' `rate` is per second of test time, so the ratio is scaled by the average offered rate.
  if (stopWhen.droppedRate !== undefined && rate !== null) {
    out[`dropped_iterations${LOAD_SELECTOR}`] = [rule(`rate<=${k6Number(stopWhen.droppedRate * rate)}`)];
  }
  return out;
}

/**
 * The abort-on-fail thresholds k6 gets. Under the runner (`spec.runnerStops`) none: the runner applies stopWhen's
 * per-second rule itself and stops k6 through its REST API, exactly as it stops the built-in engine. A script run
 * on its own keeps them.
 */
export function stopRules(spec: K6Spec): Record<string, K6Threshold[]> {
  return spec.runnerStops === true ? {} : stopThresholds(spec.stopWhen, spec.load);
}

/** The whole `options` export of the script: accounting, profile and stop thresholds on the one scenario. */
export function buildOptions(spec: K6Spec): K6Options {
  const thresholds: Record<string, K6Threshold[]> = {};
  const stops = stopRules(spec);
  for (const source of [ACCOUNTING_THRESHOLDS, spec.thresholds, stops]) {
    for (const [metric, rules] of Object.entries(source))
      thresholds[metric] = [...(thresholds[metric] ?? []), ...rules];
  }
  return {
    scenarios: { [SCENARIO]: scenarioFor(spec.load, spec.requestTimeoutMs, spec.expectedLatencyMs) },
    thresholds,
    summaryTrendStats: [...SUMMARY_TREND_STATS],
    systemTags: [...SYSTEM_TAGS],
    discardResponseBodies: true,
  };
}
