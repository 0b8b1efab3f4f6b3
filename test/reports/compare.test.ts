// Baseline comparison arithmetic on hand-made summaries: deltas, tolerance edges, missing and errored runs.
import { describe, expect, it } from 'vitest';
import { compareRun, compareSummaries, DEFAULT_TOLERANCES } from '../../reports/compare.js';
import type { RunSummary, Summary } from '../../experiments/results/summary-schema.js';
import { errorRunSummary } from './synthetic.js';

interface Numbers {
  p50?: number;
  p95?: number;
  p99?: number;
  rate?: number;
  errorRate?: number;
  droppedRate?: number;
}

function run(name: string, n: Numbers = {}, experiment = 'throughput'): RunSummary {
  return {
    ...errorRunSummary(experiment),
    name,
    status: 'completed',
    error: null,
    errorCode: null,
    passed: true,
    requests: 1000,
    achievedRate: n.rate ?? 100,
    errorRate: n.errorRate ?? 0,
    droppedRate: n.droppedRate ?? 0,
    latencyMs: {
      count: 1000,
      min: 1,
      mean: 50,
      p50: n.p50 ?? 40,
      p90: 80,
      p95: n.p95 ?? 100,
      p99: n.p99 ?? 200,
      p999: 300,
      max: 400,
    },
  };
}

function summary(runs: RunSummary[], overrides: Partial<Summary> = {}): Summary {
  const byExperiment = new Map<string, RunSummary[]>();
  for (const r of runs) byExperiment.set(r.experiment, [...(byExperiment.get(r.experiment) ?? []), r]);
  return {
    schemaVersion: 1,
    tool: { name: 'terrafix', version: 'test', node: 'v20' },
    engine: { name: 'builtin', version: 'builtin' },
    seed: 1,
    durationScale: 1,
    target: { url: 'http://127.0.0.1:8081', local: true },
    startedAt: '2026-01-01T00:00:00Z',
    endedAt: '2026-01-01T00:10:00Z',
    experiments: [...byExperiment].map(([name, list]) => ({
      name,
      description: name,
      runs: list,
      findings: {},
    })),
    verdict: { passed: true, runs: runs.length, failedThresholds: 0, errors: 0 },
    ...overrides,
  };
}

const metric = (c: ReturnType<typeof compareRun>, name: string) => c.metrics.find((m) => m.metric === name);

describe('compareRun', () => {
  it('computes absolute and relative deltas for every metric', () => {
    const c = compareRun(
      run('a', { p50: 40, p95: 100, p99: 200, rate: 100, errorRate: 0.01, droppedRate: 0 }),
      run('a', { p50: 50, p95: 105, p99: 150, rate: 95, errorRate: 0.015, droppedRate: 0.02 }),
      DEFAULT_TOLERANCES,
    );
    expect(metric(c, 'p50Ms')).toMatchObject({
      baseline: 40,
      current: 50,
      delta: 10,
      relative: 0.25,
      gated: false,
    });
    expect(metric(c, 'p95Ms')?.relative).toBeCloseTo(0.05, 10);
    expect(metric(c, 'p99Ms')).toMatchObject({ delta: -50, relative: -0.25 });
    expect(metric(c, 'achievedRate')).toMatchObject({ delta: -5, relative: -0.05, gated: true });
    expect(metric(c, 'errorRate')?.delta).toBeCloseTo(0.005, 10);
    expect(metric(c, 'droppedRate')).toMatchObject({ baseline: 0, current: 0.02, relative: null });
    expect(c.regressed).toBe(false);
    expect(c.reasons).toEqual([]);
  });

  it('p95: +10 % is within tolerance, anything above regresses', () => {
    const base = run('a', { p95: 200 });
    expect(compareRun(base, run('a', { p95: 220 }), DEFAULT_TOLERANCES).regressed).toBe(false);
    const worse = compareRun(base, run('a', { p95: 220.5 }), DEFAULT_TOLERANCES);
    expect(worse.regressed).toBe(true);
    expect(worse.reasons).toEqual(['p95 rose from 200 ms to 221 ms (+10.3 %; tolerance +10 %)']);
    // p50 and p99 are reported, never gated.
    expect(compareRun(base, run('a', { p50: 4000, p99: 9000 }), DEFAULT_TOLERANCES).regressed).toBe(false);
  });

  it('achieved rate: −10 % is within tolerance, a larger drop regresses', () => {
    const base = run('a', { rate: 50 });
    expect(compareRun(base, run('a', { rate: 45 }), DEFAULT_TOLERANCES).regressed).toBe(false);
    const worse = compareRun(base, run('a', { rate: 44.9 }), DEFAULT_TOLERANCES);
    expect(worse.regressed).toBe(true);
    expect(worse.reasons[0]).toMatch(/^achieved rate fell from 50 req\/s to 44.9 req\/s \(−10.2 %/);
    expect(compareRun(base, run('a', { rate: 500 }), DEFAULT_TOLERANCES).regressed).toBe(false);
  });

  it('error rate: +1 percentage point is within tolerance, more regresses (absolute, not relative)', () => {
    const base = run('a', { errorRate: 0.02 });
    expect(compareRun(base, run('a', { errorRate: 0.03 }), DEFAULT_TOLERANCES).regressed).toBe(false);
    expect(compareRun(base, run('a', { errorRate: 0.0301 }), DEFAULT_TOLERANCES).regressed).toBe(true);
    // From zero: relative change is undefined, the absolute rule still decides.
    const fromZero = compareRun(run('a'), run('a', { errorRate: 0.05 }), DEFAULT_TOLERANCES);
    expect(metric(fromZero, 'errorRate')).toMatchObject({ relative: null, regressed: true });
  });

  it('tolerances can be set', () => {
    const loose = { p95: 1, achievedRate: 0.5, errorRate: 0.1 };
    const c = compareRun(run('a'), run('a', { p95: 199, rate: 51, errorRate: 0.09 }), loose);
    expect(c.regressed).toBe(false);
    const strict = { p95: 0, achievedRate: 0, errorRate: 0 };
    expect(compareRun(run('a'), run('a', { p95: 100.5 }), strict).regressed).toBe(true);
    expect(compareRun(run('a'), run('a'), strict).regressed).toBe(false);
  });
});

describe('compareSummaries', () => {
  it('matches runs by experiment and name, lists missing and errored runs without failing them', () => {
    const baseline = summary([
      run('a'),
      run('gone'),
      run('a', {}, 'burst'),
      run('flaky'),
      { ...errorRunSummary('throughput'), name: 'was_broken' },
    ]);
    const current = summary([
      run('a', { p95: 300 }),
      run('new'),
      run('a', { p95: 100 }, 'burst'),
      { ...errorRunSummary('throughput'), name: 'flaky' },
      run('was_broken'),
    ]);
    const c = compareSummaries(baseline, current, DEFAULT_TOLERANCES, 'base.json');
    expect(c.runs.map((r) => `${r.experiment}/${r.run}:${r.regressed}`)).toEqual([
      'throughput/a:true',
      'burst/a:false',
    ]);
    expect(c.missingInBaseline).toEqual(['throughput/new']);
    expect(c.missingInCurrent).toEqual(['throughput/gone']);
    expect(c.notComparable).toEqual([
      { run: 'throughput/flaky', reason: 'errored in the current results' },
      { run: 'throughput/was_broken', reason: 'errored in the baseline results' },
    ]);
    expect(c).toMatchObject({ regressions: 1, regressed: true, baselineSource: 'base.json', warnings: [] });
  });

  it('the same data never regresses; different settings are warned about', () => {
    const s = summary([run('a'), run('b', { errorRate: 0.2 })]);
    expect(compareSummaries(s, s).regressed).toBe(false);
    const other = summary([run('a')], {
      durationScale: 0.1,
      seed: 7,
      engine: { name: 'k6', version: '0.47' },
    });
    expect(compareSummaries(s, other).warnings).toEqual([
      'engines differ: baseline builtin, current k6',
      'duration scales differ: baseline 1, current 0.1',
      'seeds differ: baseline 1, current 7',
    ]);
  });
});
