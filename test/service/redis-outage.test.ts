/**
 * Redis (the test's own server, no persistence: an ElastiCache restart without it) stopped for 20 s while two
 * `terrafix serve` replicas have jobs running and waiting, then started again, empty: `/ready` answers 503 during
 * the outage and 200 after, neither process crashes, and every failing resource still ends in exactly one PR (the
 * queued work lost with Redis comes back through the poller).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Fakes, startFakes } from '../e2e/support.js';
import { type OwnRedis, ownRedis } from '../support/own-redis.js';
import { randomKeyPrefix } from '../support/redis.js';
import { GITHUB_TOKEN, ServeCluster, type ServeReplica, until } from './support/serve-process.js';
import { pullsOf } from './support/serve-suite.js';

const OUTAGE_MS = 20_000;
const cluster = new ServeCluster();
let redis: OwnRedis | undefined;
let fakes: Fakes | undefined;
let release: (() => void) | undefined;

beforeAll(async () => {
  await cluster.setup();
}, 60_000);
afterEach(async () => {
  release?.();
  await cluster.stopAll();
  await fakes?.close();
  await redis?.stop();
}, 30_000);
afterAll(async () => {
  await cluster.teardown();
});

const waiting = async (r: ServeReplica) => {
  const queue = (await r.status()).components.queue;
  return typeof queue === 'string' ? 0 : queue.waiting;
};

describe('Redis outage under load', { timeout: 150_000 }, () => {
  it('503 while Redis is away, 200 after, no crash, no queued failure lost', async () => {
    redis = await ownRedis();
    await redis.start();
    const f = (fakes = await startFakes(GITHUB_TOKEN));
    const env = { REDIS_URL: redis.url, TERRAFIX_REDIS_PREFIX: randomKeyPrefix() };
    // GitHub holds PR creation: four jobs run (two workers per replica), three wait in the queue.
    release = f.github.hold({ method: 'POST', path: /\/pulls$/ });
    const replicas = await Promise.all([cluster.start('a', f, env), cluster.start('b', f, env)]);
    await until('4 jobs running', () => (f.github.held() >= 4 ? true : undefined));
    await until('3 jobs waiting', async () => ((await waiting(replicas[0])) === 3 ? true : undefined));
    for (const r of replicas) expect(await r.ready()).toBe(200);

    await redis.stop();
    const down = Date.now();
    for (const r of replicas)
      await until(
        `${r.name} answers 503`,
        async () => ((await r.ready()) === 503 ? true : undefined),
        10_000,
      );
    // GitHub answers again while Redis is still away: the running jobs open their PRs and cannot record them.
    release();
    release = undefined;
    const answers: number[] = [];
    while (Date.now() - down < OUTAGE_MS) {
      for (const r of replicas) answers.push(await r.ready());
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // Each answer can take a while (the ping waits for its connect timeout): a few samples per replica at least.
    expect(answers.length).toBeGreaterThanOrEqual(6);
    expect(answers.every((code) => code === 503)).toBe(true);
    for (const r of replicas) expect(r.running()).toBe(true);

    await redis.start();
    for (const r of replicas)
      await until(
        `${r.name} answers 200`,
        async () => ((await r.ready()) === 200 ? true : undefined),
        30_000,
      );
    // Redis came back empty: the poller queues every failure again; those whose PR is open reuse it.
    await until('7 PRs', () => (pullsOf(f).length >= 7 ? true : undefined), 60_000);
    await until(
      '7 completed',
      async () => {
        const counts = (await replicas[0].status()).counts;
        return typeof counts !== 'string' && counts.completed === 7 ? true : undefined;
      },
      60_000,
    );
    const pulls = pullsOf(f);
    expect(pulls).toHaveLength(7);
    expect(new Set(pulls.map((p) => p.head)).size).toBe(7);
    for (const r of replicas) expect(r.running()).toBe(true);
  });
});
