import { describe, expect, it } from 'vitest';
import {
  ACCOUNTING_THRESHOLDS,
  plannedPeakRate,
  preAllocatedVUsFor,
  buildOptions,
  intendedRate,
  k6Thresholds,
  plannedIterations,
  rateMultiplier,
  scenarioFor,
  stopRules,
  stopThresholds,
  SUMMARY_TREND_STATS,
} from '../../../experiments/k6/options.js';
import { type K6Spec, parseSpec, SPEC_FORMAT } from '../../../experiments/k6/spec.js';

const payload = {
  endpoint: 'webhook',
  mode: 'sync',
  duplicateRatio: 0,
  batchRatio: 0,
  repoSize: 'medium',
} as const;

function spec(overrides: Partial<K6Spec> = {}): K6Spec {
  return {
    format: SPEC_FORMAT,
    baseUrl: 'http://127.0.0.1:8081',
    load: { executor: 'constant-arrival-rate', rate: 10, duration: 30, preAllocatedVUs: 5, maxVUs: 50 },
    payload,
    seed: 7,
    requestTimeoutMs: 5000,
    maxRequests: 1000,
    stopWhen: null,
    thresholds: {},
    failedAt: '2026-11-27T00:00:00.000Z',
    ...overrides,
  };
}

describe('scenarioFor', () => {
  it('maps constant-arrival-rate to rate per 1s with the VU pool and a grace of timeout + 1 s', () => {
    const s = scenarioFor(
      { executor: 'constant-arrival-rate', rate: 25, duration: 60, preAllocatedVUs: 10, maxVUs: 200 },
      5000,
    );
    expect(s).toEqual({
      executor: 'constant-arrival-rate',
      rate: 25,
      timeUnit: '1s',
      duration: '60000ms',
      preAllocatedVUs: 10,
      maxVUs: 200,
      gracefulStop: '6000ms',
    });
  });

  it('maps ramping-arrival-rate stages and keeps one timeUnit for all of them', () => {
    const s = scenarioFor(
      {
        executor: 'ramping-arrival-rate',
        startRate: 1,
        stages: [
          { target: 2, duration: 20 },
          { target: 4, duration: 1.5 },
        ],
        preAllocatedVUs: 50,
        maxVUs: 500,
      },
      2000,
    );
    expect(s).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 1,
      timeUnit: '1s',
      stages: [
        { target: 2, duration: '20000ms' },
        { target: 4, duration: '1500ms' },
      ],
      preAllocatedVUs: 50,
      maxVUs: 500,
      gracefulStop: '3000ms',
    });
  });

  it('expresses fractional rates (k6 wants integers) with a longer time unit', () => {
    expect(rateMultiplier([2, 5])).toBe(1);
    expect(rateMultiplier([0.5, 2])).toBe(10);
    expect(rateMultiplier([0.25])).toBe(100);
    const s = scenarioFor(
      { executor: 'constant-arrival-rate', rate: 0.5, duration: 10, preAllocatedVUs: 1, maxVUs: 1 },
      1000,
    );
    expect(s).toMatchObject({ rate: 5, timeUnit: '10s' });
    const r = scenarioFor(
      {
        executor: 'ramping-arrival-rate',
        startRate: 0.5,
        stages: [{ target: 1.25, duration: 4 }],
        preAllocatedVUs: 1,
        maxVUs: 2,
      },
      1000,
    );
    expect(r).toMatchObject({
      startRate: 50,
      timeUnit: '100s',
      stages: [{ target: 125, duration: '4000ms' }],
    });
  });

  it('maps the closed models (pacing is the script sleeping, not an option)', () => {
    expect(scenarioFor({ executor: 'constant-vus', vus: 8, duration: 12, pacing: 0.5 }, 1000)).toEqual({
      executor: 'constant-vus',
      vus: 8,
      duration: '12000ms',
      gracefulStop: '2000ms',
    });
    expect(
      scenarioFor(
        { executor: 'ramping-vus', startVUs: 0, stages: [{ target: 20, duration: 5 }], pacing: 0 },
        1000,
      ),
    ).toEqual({
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [{ target: 20, duration: '5000ms' }],
      gracefulRampDown: '2000ms',
      gracefulStop: '2000ms',
    });
  });
});

describe('planned iterations and intended rate', () => {
  it('integrates linear ramps like k6 does', () => {
    const load = {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      stages: [
        { target: 10, duration: 10 },
        { target: 10, duration: 10 },
      ],
      preAllocatedVUs: 1,
      maxVUs: 1,
    } as const;
    expect(plannedIterations(load)).toBe(150);
    expect(intendedRate(load)).toBe(7.5);
    expect(
      intendedRate({
        executor: 'constant-arrival-rate',
        rate: 4,
        duration: 3,
        preAllocatedVUs: 1,
        maxVUs: 1,
      }),
    ).toBe(4);
    expect(intendedRate({ executor: 'constant-vus', vus: 1, duration: 3, pacing: 0 })).toBeNull();
  });
});

describe('k6Thresholds', () => {
  const open = {
    executor: 'constant-arrival-rate',
    rate: 10,
    duration: 30,
    preAllocatedVUs: 5,
    maxVUs: 50,
  } as const;

  it('translates latency and error thresholds to tagged sub-metrics', () => {
    const { thresholds, skipped } = k6Thresholds(
      [
        { metric: 'p50_ms', op: '<', value: 100 },
        { metric: 'p95_ms', op: '<=', value: 250.5 },
        { metric: 'p99_ms', op: '<', value: 1000 },
        { metric: 'error_rate', op: '<', value: 0.01 },
      ],
      open,
    );
    expect(skipped).toEqual([]);
    expect(thresholds).toEqual({
      'http_req_duration{scenario:load}': ['p(50)<100', 'p(95)<=250.5', 'p(99)<1000'],
      'http_req_failed{scenario:load}': ['rate<0.01'],
    });
  });

  it('expresses dropped_rate and achieved_ratio against the planned iterations of an open model', () => {
    const { thresholds } = k6Thresholds(
      [
        { metric: 'dropped_rate', op: '<', value: 0.01 },
        { metric: 'achieved_ratio', op: '>=', value: 0.95 },
      ],
      open,
    );
    // 10/s for 30 s = 300 planned iterations.
    expect(thresholds).toEqual({
      dropped_iterations: ['count<3'],
      'http_reqs{scenario:load}': ['count>=285'],
    });
  });

  it('skips the ratios on closed models, where k6 has nothing to compare them with', () => {
    const { thresholds, skipped } = k6Thresholds(
      [
        { metric: 'dropped_rate', op: '<', value: 0.01 },
        { metric: 'achieved_ratio', op: '>=', value: 0.95 },
        { metric: 'p99_ms', op: '<', value: 500 },
      ],
      { executor: 'constant-vus', vus: 2, duration: 10, pacing: 0 },
    );
    expect(skipped.map((t) => t.metric)).toEqual(['dropped_rate', 'achieved_ratio']);
    expect(Object.keys(thresholds)).toEqual(['http_req_duration{scenario:load}']);
  });
});

describe('stopThresholds', () => {
  it('turns stopWhen into abort-on-fail thresholds on the scenario sub-metrics, delayed by sustainSeconds', () => {
    const load = {
      executor: 'constant-arrival-rate',
      rate: 20,
      duration: 60,
      preAllocatedVUs: 5,
      maxVUs: 50,
    } as const;
    expect(
      stopThresholds({ p99Ms: 2000, errorRate: 0.05, droppedRate: 0.1, sustainSeconds: 5 }, load),
    ).toEqual({
      'http_req_duration{scenario:load}': [
        { threshold: 'p(99)<=2000', abortOnFail: true, delayAbortEval: '5s' },
      ],
      'http_req_failed{scenario:load}': [
        { threshold: 'rate<=0.05', abortOnFail: true, delayAbortEval: '5s' },
      ],
      // 10 % of the 20/s offered: at most 2 drops per second on average.
      'dropped_iterations{scenario:load}': [
        { threshold: 'rate<=2', abortOnFail: true, delayAbortEval: '5s' },
      ],
    });
  });

  it('has nothing for a closed model drop limit or a missing stopWhen', () => {
    expect(stopThresholds(null, { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0 })).toEqual({});
    expect(
      Object.keys(
        stopThresholds(
          { droppedRate: 0.1, sustainSeconds: 3 },
          { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0 },
        ),
      ),
    ).toEqual([]);
  });
});

describe('buildOptions', () => {
  it('assembles the scenario, merged thresholds and the summary settings', () => {
    const options = buildOptions(
      spec({
        thresholds: { 'http_req_duration{scenario:load}': ['p(95)<500'] },
        stopWhen: { p99Ms: 800, sustainSeconds: 3 },
      }),
    );
    expect(Object.keys(options.scenarios)).toEqual(['load']);
    expect(options.thresholds).toEqual({
      ...ACCOUNTING_THRESHOLDS,
      'http_req_duration{scenario:load}': [
        'max>=0',
        'p(95)<500',
        { threshold: 'p(99)<=800', abortOnFail: true, delayAbortEval: '3s' },
      ],
    });
    expect(options.summaryTrendStats).toEqual(SUMMARY_TREND_STATS);
    expect(options.summaryTrendStats).toContain('p(99)');
    expect(options.discardResponseBodies).toBe(true);
    // Only the tags the NDJSON conversion reads (each one is repeated on every sample of every request).
    expect(options.systemTags).toEqual(['status', 'error_code', 'scenario']);
    // Not a k6 option (k6 warned "unknown field"): the engine passes --no-usage-report and K6_NO_USAGE_REPORT.
    expect(options).not.toHaveProperty('noUsageReport');
  });

  it('leaves stopping to the runner under the runner (runnerStops), keeping the profile thresholds', () => {
    const underRunner = spec({
      thresholds: { 'http_req_duration{scenario:load}': ['p(95)<500'] },
      stopWhen: { p99Ms: 800, sustainSeconds: 3 },
      runnerStops: true,
    });
    const options = buildOptions(underRunner);
    expect(stopRules(underRunner)).toEqual({});
    expect(options.thresholds['http_req_duration{scenario:load}']).toEqual(['max>=0', 'p(95)<500']);
    expect(
      Object.values(options.thresholds)
        .flat()
        .every((rule) => typeof rule === 'string'),
    ).toBe(true);
  });

  it('pre-allocates VUs for the planned peak rate at the expected latency, within the profile limits', () => {
    const ramp = {
      executor: 'ramping-arrival-rate' as const,
      startRate: 10,
      stages: [
        { target: 400, duration: 10 },
        { target: 50, duration: 5 },
      ],
      preAllocatedVUs: 20,
      maxVUs: 500,
    };
    expect(plannedPeakRate(ramp)).toBe(400);
    // 400/s × 0.25 s × 1.25 + 1 = 126
    expect(preAllocatedVUsFor(ramp, 250)).toBe(126);
    expect(preAllocatedVUsFor({ ...ramp, maxVUs: 100 }, 250)).toBe(100);
    expect(preAllocatedVUsFor(ramp, 10)).toBe(20); // never below the profile's own number
    expect(preAllocatedVUsFor(ramp, undefined)).toBe(20);
    const scenario = scenarioFor(ramp, 1000, 250);
    expect(scenario).toMatchObject({ preAllocatedVUs: 126, maxVUs: 500 });
  });
});

describe('parseSpec', () => {
  it('reads a spec back and names the first wrong field', () => {
    expect(parseSpec(JSON.stringify(spec()))).toEqual(spec());
    expect(() => parseSpec(JSON.stringify({ ...spec(), format: 'x' }))).toThrow(/format/);
    expect(() => parseSpec(JSON.stringify({ ...spec(), load: { executor: 'per-vu-iterations' } }))).toThrow(
      /load\.executor/,
    );
    expect(() => parseSpec(JSON.stringify({ ...spec(), maxRequests: '5' }))).toThrow(/maxRequests/);
    expect(() => parseSpec(JSON.stringify({ ...spec(), baseUrl: 1 }))).toThrow(/baseUrl/);
  });
});
