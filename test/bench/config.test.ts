import { describe, expect, it } from 'vitest';
import { loadBenchConfig } from '../../bench/config.js';

describe('benchmark knobs for the queue ceiling and the replicas', () => {
  it('defaults: 10,000 jobs x 3 rounds at 32 workers, 30 PRs x 3 rounds, the local Redis', () => {
    const c = loadBenchConfig({});
    expect([c.queueJobs, c.queueRounds, c.queueHighWorkers]).toEqual([10_000, 3, 32]);
    expect([c.replicaResources, c.replicaRounds]).toEqual([30, 3]);
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('k6 script comparison: 5 rounds unless BENCH_K6_ROUNDS says otherwise (1 to 20)', () => {
    expect(loadBenchConfig({}).k6Rounds).toBe(5);
    expect(loadBenchConfig({ BENCH_K6_ROUNDS: '2' }).k6Rounds).toBe(2);
    expect(() => loadBenchConfig({ BENCH_K6_ROUNDS: '0' })).toThrow(/^BENCH_K6_ROUNDS:/);
  });

  it('0 skips either section', () => {
    const c = loadBenchConfig({ BENCH_QUEUE_JOBS: '0', BENCH_REPLICAS_RESOURCES: '0' });
    expect([c.queueJobs, c.replicaResources]).toEqual([0, 0]);
  });

  it('a bad value names its variable', () => {
    expect(() => loadBenchConfig({ BENCH_REPLICAS_RESOURCES: '500' })).toThrow(
      'BENCH_REPLICAS_RESOURCES: expected a number from 0 to 200, got "500"',
    );
    expect(() => loadBenchConfig({ BENCH_QUEUE_HIGH_WORKERS: 'many' })).toThrow(/^BENCH_QUEUE_HIGH_WORKERS:/);
    expect(() => loadBenchConfig({ BENCH_QUEUE_ROUNDS: '0' })).toThrow(/^BENCH_QUEUE_ROUNDS:/);
  });
});
