// The queue-ceiling and replica sections of the benchmark report, from hand-made results (nothing is timed).
import { describe, expect, it } from 'vitest';
import { renderQueueCeiling, type QueueCeiling } from '../../bench/queue-ceiling.js';
import { renderReplicas, type ReplicaRun, type ReplicaScaling } from '../../bench/replicas.js';
import { spread } from '../../bench/rounds.js';

function run(setup: string, replicas: number, overrides: Partial<ReplicaRun> = {}): ReplicaRun {
  return {
    round: 1,
    setup,
    replicas,
    workersEach: 3,
    resources: 30,
    pulls: 30,
    distinctBranches: 30,
    exact: true,
    ms: 10_000,
    firstPrMs: 900,
    remediationsPerSecond: 3,
    steadyPerSecond: 3.2,
    replicaCpuMs: 200,
    fakesCpuMs: 100,
    processedByReplica: replicas === 2 ? [16, 14] : [30],
    ...overrides,
  };
}

function scaling(runs: ReplicaRun[]): ReplicaScaling {
  return {
    resources: 30,
    rounds: 1,
    cpus: 2,
    setups: [],
    runs,
    rows: [
      {
        setup: '2 replicas x 3 workers',
        remediationsPerSecond: spread([2.4]),
        steadyPerSecond: spread([2.5]),
        firstPrMs: spread([900]),
        replicaCpuMs: spread([260]),
        ratioToOne: spread([0.8]),
        steadyRatioToOne: spread([1.1]),
      },
    ],
    allExact: runs.every((r) => r.exact),
  };
}

describe('replica section', () => {
  it('says every run opened exactly M PRs, with the rate, the ratio to one replica and the split', () => {
    const text = renderReplicas(scaling([run('1 replica x 3 workers', 1), run('2 replicas x 3 workers', 2)]));
    expect(text).toContain('every run opened exactly 30 PRs, one per failure (no duplicates)');
    expect(text).toMatch(
      /2 replicas x 3 workers\s+2\.40 rem\/s \(2\.40\), x0\.80 of one replica \(0\.80\); first PR after 0\.9 s; steady \(first → last PR\) 2\.50\/s, x1\.10 \(1\.10\); 260 CPU ms/,
    );
    expect(text).toContain('failures processed each): 16/14;');
  });

  it('names every run that did not end with exactly one PR per failure', () => {
    const bad = run('2 replicas x 3 workers', 2, { pulls: 31, distinctBranches: 30, exact: false });
    const text = renderReplicas(scaling([run('1 replica x 3 workers', 1), bad]));
    expect(text).toContain('NOT EXACT in 2 replicas x 3 workers round 1: 31 PRs, 30 branches');
  });
});

describe('queue ceiling section', () => {
  it('prints both rates, the ratio within rounds and the Redis traffic per job', () => {
    const ceiling: QueueCeiling = {
      jobs: 1_000,
      rounds: 1,
      batch: 100,
      redis: 'redis://127.0.0.1:6379',
      runs: [
        {
          round: 1,
          queue: 'bullmq',
          workers: 3,
          jobs: 1_000,
          ms: 500,
          jobsPerSecond: 2_000,
          cpuUsPerJob: 150,
          redis: {
            commandsPerJob: 2,
            roundTripsPerJob: 1.02,
            byCommand: { evalsha: 2 },
            serverCpuUsPerJob: 115,
          },
        },
        {
          round: 1,
          queue: 'memory',
          workers: 3,
          jobs: 1_000,
          ms: 10,
          jobsPerSecond: 100_000,
          cpuUsPerJob: 4,
        },
      ],
      rows: [{ workers: 3, bullmq: spread([2_000]), memory: spread([100_000]), ratio: spread([0.02]) }],
    };
    const text = renderQueueCeiling(ceiling);
    expect(text).toMatch(/workers +3: BullMQ +2,000 jobs\/s \(2,000\), memory +100,000 jobs\/s/);
    expect(text).toContain('BullMQ / memory 0.0200');
    expect(text).toContain(
      '1.02 round trips, 2.00 commands per job (evalsha 2.00); Redis server CPU 115 µs/job',
    );
  });
});
