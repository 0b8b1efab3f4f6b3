/**
 * Findings of overloaded open-model runs as k6 reports them: k6 does not start a late iteration late, it drops
 * it, so a target past its capacity shows dropped iterations with healthy latency and no errors. The knee and
 * the cascade must see that as overload, and every finding carries the run's drops.
 */
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../experiments/profiles/load.js';
import type { RunProfile } from '../../experiments/profiles/schema.js';
import { runFindings } from '../../experiments/results/findings.js';
import { plannedRateAt } from '../../experiments/results/planned-rate.js';
import type { RunResult, TimelinePoint } from '../../experiments/results/run-result.js';
import { summarizeServer } from '../../experiments/results/server-summary.js';

function run(experiment: 'cascade' | 'throughput', name: string): RunProfile {
  const found = loadProfile(experiment).runs.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no run ${name} in ${experiment}`);
  return found;
}

/**
 * A k6-like result over `seconds`: the target completes `capacity` requests a second, the rest of the plan is
 * dropped (or, with `drops` false, simply not scheduled), every request fast and error-free.
 */
function overloaded(profile: RunProfile, seconds: number, capacity: number, drops = true): RunResult {
  const timeline: TimelinePoint[] = [];
  for (let t = 0; t < seconds; t++) {
    const planned = Math.round(plannedRateAt(profile.load, t) ?? 0);
    const requests = Math.min(planned, capacity);
    timeline.push({
      t,
      requests,
      errors: 0,
      dropped: drops ? planned - requests : 0,
      scheduled: drops ? planned : requests,
      p50: 4,
      p95: 8,
      p99: 12,
      max: 20,
      activeVUs: 10,
      buckets: [],
    });
  }
  const requests = timeline.reduce((n, p) => n + p.requests, 0);
  const dropped = timeline.reduce((n, p) => n + p.dropped, 0);
  return {
    engine: 'k6',
    engineVersion: 'k6 v0.47.0',
    startedAt: '2026-12-01T00:00:00.000Z',
    endedAt: '2026-12-01T00:01:00.000Z',
    durationSeconds: seconds,
    requests,
    iterations: requests,
    items: requests,
    statusCounts: { '200': requests },
    errors: { http_4xx: 0, http_429: 0, http_5xx: 0, timeout: 0, connection: 0, other: 0 },
    intendedRate: null,
    achievedRate: requests / seconds,
    droppedIterations: dropped,
    latency: { count: requests, min: 1, mean: 5, p50: 4, p90: 7, p95: 8, p99: 12, p999: 18, max: 20 },
    histogram: '',
    timeline,
    aborted: null,
  };
}

const findingsOf = (profile: RunProfile, result: RunResult) =>
  runFindings({ run: profile, result, scrapes: [], server: summarizeServer([]), healthyAfter: true });

describe('findings count dropped iterations', () => {
  it('cascade: breaks where drops pass the limit, though latency and errors look healthy', () => {
    const profile = run('cascade', 'cascade_doubling');
    const result = overloaded(profile, 50, 60);
    const { cascade } = findingsOf(profile, result) as { cascade: Record<string, unknown> };
    // 10, 20, 40/s fit in 60/s; the ramp from 40 to 80/s (seconds 30-40) drops more than 5 % past 63/s.
    const firstOver = result.timeline.find((p) => p.dropped / p.scheduled > 0.05);
    expect(firstOver).toBeDefined();
    expect(cascade['brokeAtSecond']).toBe(firstOver?.t);
    expect(cascade['breakingPointRate']).toBe(plannedRateAt(profile.load, firstOver?.t ?? -1));
    expect(cascade['droppedLimit']).toBe(0.05);
    expect(cascade['droppedIterations']).toBeGreaterThan(0);
    expect(cascade['droppedRate']).toBeGreaterThan(0);
    // The same timeline without the drops does not break: the drops alone decide it.
    const queued = findingsOf(profile, overloaded(profile, 50, 60, false)) as {
      cascade: Record<string, unknown>;
    };
    expect(queued.cascade['brokeAtSecond']).toBeNull();
    expect(queued.cascade['droppedRate']).toBe(0);
  });

  it('knee: a level that drops is not sustained, whatever its latency', () => {
    const profile = run('throughput', 'throughput_knee');
    type Knee = {
      levels: { rate: number; droppedRate: number; sustainable: boolean }[];
      maxSustainableRate: number;
    };
    // 97/s: the 100/s level achieves 97 % of its rate (enough) with 12 ms p99 and no errors, but drops 3 % (> 1 %).
    const { knee } = findingsOf(profile, overloaded(profile, 40, 97)) as { knee: Knee };
    expect(knee.levels.slice(0, 3)).toMatchObject([
      { rate: 25, droppedRate: 0, sustainable: true },
      { rate: 50, droppedRate: 0, sustainable: true },
      { rate: 100, droppedRate: 0.03, sustainable: false },
    ]);
    expect(knee.maxSustainableRate).toBe(50);
    // Without the drops the same level counts as sustained: the drops alone decide it.
    const queued = findingsOf(profile, overloaded(profile, 40, 97, false)) as { knee: Knee };
    expect(queued.knee.levels[2]).toMatchObject({ rate: 100, droppedRate: 0, sustainable: true });
  });
});
