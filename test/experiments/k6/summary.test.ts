import { describe, expect, it } from 'vitest';
import {
  parseRunSummary,
  stopBreaches,
  summarize,
  SUMMARY_FORMAT,
  textSummary,
} from '../../../experiments/k6/summary.js';

/** handleSummary's `data` as k6 0.47 documents it (trend values follow summaryTrendStats). */
const DATA = {
  root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
  options: {
    summaryTrendStats: ['min', 'avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'max', 'count'],
    noColor: true,
  },
  state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 30898.965069 },
  metrics: {
    http_req_duration: {
      type: 'trend',
      contains: 'time',
      values: {
        min: 1.1,
        avg: 20.5,
        med: 12,
        'p(90)': 40,
        'p(95)': 55.5,
        'p(99)': 120.25,
        'p(99.9)': 300,
        max: 846.2,
        count: 300,
      },
    },
    // A profile threshold and a stop threshold on the same sub-metric: k6 keys both verdicts by expression.
    'http_req_duration{scenario:load}': {
      type: 'trend',
      contains: 'time',
      values: { 'p(95)': 55.5, 'p(99)': 120.25 },
      thresholds: { 'p(95)<500': { ok: true }, 'p(99)<=100': { ok: false } },
    },
    // All requests, setup()'s readiness probe included; the load's own (no probe) in the scenario sub-metric.
    http_reqs: { type: 'counter', contains: 'default', values: { count: 301, rate: 9.74 } },
    'http_reqs{scenario:load}': {
      type: 'counter',
      contains: 'default',
      values: { count: 300, rate: 9.7 },
      thresholds: { 'count>=0': { ok: true } },
    },
    http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0.02, passes: 6, fails: 294 } },
    dropped_iterations: { type: 'counter', contains: 'default', values: { count: 3, rate: 0.1 } },
    weird: 'not an object',
  },
  setup_data: null,
};

/** The abort-on-fail rules the script gave k6 (options.ts stopRules). */
const STOPS = {
  'http_req_duration{scenario:load}': [{ threshold: 'p(99)<=100', abortOnFail: true, delayAbortEval: '3s' }],
};

describe('summarize', () => {
  const summary = summarize(DATA, STOPS);

  it('keeps numeric values and threshold verdicts, marking the stop thresholds', () => {
    expect(summary.format).toBe(SUMMARY_FORMAT);
    expect(summary.testRunDurationMs).toBe(30898.965069);
    expect(summary.metrics['http_reqs']).toEqual({ count: 301, rate: 9.74 });
    expect(summary.metrics['http_req_duration']!['p(99)']).toBe(120.25);
    expect(summary.thresholds).toEqual([
      { metric: 'http_req_duration{scenario:load}', expression: 'p(95)<500', ok: true, stop: false },
      { metric: 'http_req_duration{scenario:load}', expression: 'p(99)<=100', ok: false, stop: true },
      { metric: 'http_reqs{scenario:load}', expression: 'count>=0', ok: true, stop: false },
    ]);
    expect(stopBreaches(summary)).toEqual(['http_req_duration{scenario:load} p(99)<=100']);
  });

  it('marks no stop condition where the script gave k6 none (under the runner)', () => {
    expect(summarize(DATA).thresholds.map((t) => t.stop)).toEqual([false, false, false]);
    expect(stopBreaches(summarize(DATA))).toEqual([]);
  });

  it('survives data of another shape (later k6 versions) by leaving it out', () => {
    expect(summarize(null)).toEqual({
      format: SUMMARY_FORMAT,
      testRunDurationMs: null,
      thresholds: [],
      metrics: {},
    });
    expect(summarize({ metrics: [1, 2], state: 'x' }).metrics).toEqual({});
    // The old --summary-export shape: thresholds as booleans, values without `.values`.
    expect(
      summarize({ metrics: { http_reqs: { count: 1, thresholds: { 'count>0': false } } } }).thresholds,
    ).toEqual([]);
  });

  it('prints a short text summary', () => {
    const text = textSummary(summary);
    expect(text).toContain('terrafix k6 run: 30.9 s');
    // The load's requests, not the readiness probe; the always-true accounting threshold is not printed.
    expect(text).toContain('requests 300 (9.70/s), failed 2.00 %, dropped iterations 3');
    expect(text).not.toContain('count>=0');
    expect(text).toContain('p99 120.25');
    expect(text).toContain('ok     http_req_duration{scenario:load} p(95)<500');
    expect(text).toContain('FAILED http_req_duration{scenario:load} p(99)<=100 (stop condition)');
  });
});

describe('parseRunSummary', () => {
  it('reads what the script wrote and rejects anything else', () => {
    const summary = summarize(DATA, STOPS);
    expect(parseRunSummary(JSON.stringify(summary))).toEqual(summary);
    expect(parseRunSummary('{"format":"other","thresholds":[]}')).toBeNull();
    expect(parseRunSummary('not json')).toBeNull();
  });
});
