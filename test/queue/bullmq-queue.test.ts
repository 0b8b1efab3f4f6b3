import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { BullmqJobQueue, deferral, type BullmqJobQueueOptions } from '../../src/queue/bullmq-queue.js';
import { killChild, removeBundles, startChild } from '../support/child-process.js';
import { connectTestRedis, deleteKeysWithPrefix, REDIS_URL } from '../support/redis.js';

interface Payload {
  key: string;
  n?: number;
}

let redis: Redis;
const prefixes: string[] = [];
const queues: BullmqJobQueue<Payload, string>[] = [];

beforeAll(async () => {
  redis = await connectTestRedis();
});

afterEach(async () => {
  await Promise.allSettled(queues.splice(0).map((q) => q.close()));
  for (const prefix of prefixes.splice(0)) await deleteKeysWithPrefix(redis, `${prefix}:`);
});

afterAll(async () => {
  await removeBundles();
  redis.disconnect();
});

function names(): { prefix: string; queueName: string } {
  const prefix = `terrafix-test-bull-${randomBytes(5).toString('hex')}`;
  prefixes.push(prefix);
  return { prefix, queueName: 'failures' };
}

function makeQueue(
  handler: BullmqJobQueueOptions<Payload, string>['handler'],
  overrides: Partial<BullmqJobQueueOptions<Payload, string>> = {},
): BullmqJobQueue<Payload, string> {
  const queue = new BullmqJobQueue<Payload, string>({
    redisUrl: REDIS_URL,
    ...names(),
    workers: 2,
    limit: 100,
    jobId: (p) => p.key,
    onError: (error) => `error:${(error as Error).message}`,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 1_000 },
    handler,
    ...overrides,
  });
  queues.push(queue);
  return queue;
}

describe('BullmqJobQueue', () => {
  it('runs a job under its key and answers get() and wait() with the result', async () => {
    const queue = makeQueue((p) => Promise.resolve(`done:${p.key}`));
    const admission = await queue.submit([{ key: 'k1' }, { key: 'k2' }]);
    expect(admission).toEqual({ accepted: true, ids: ['k1', 'k2'] });
    expect(await queue.wait('k1')).toBe('done:k1');
    expect(await queue.wait('k2')).toBe('done:k2');
    const info = await queue.get('k1');
    expect(info?.state).toBe('done');
    expect(info?.result).toBe('done:k1');
    expect(await queue.get('nope')).toBeUndefined();
    await expect(queue.wait('nope')).rejects.toMatchObject({ code: 'TFX_NOT_FOUND' });
  });

  it('does not queue a key twice while it waits or runs', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = makeQueue(async (p) => {
      calls += 1;
      await gate;
      return p.key;
    });
    await queue.submit([{ key: 'same' }]);
    await queue.submit([{ key: 'same' }, { key: 'same' }]);
    expect((await queue.counts()).waiting + (await queue.counts()).active).toBe(1);
    release();
    expect(await queue.wait('same')).toBe('same');
    expect(calls).toBe(1);
  });

  it('queues a key again once its job has finished (a regression is new work)', async () => {
    let runs = 0;
    const queue = makeQueue((p) => Promise.resolve(`run${++runs}:${p.key}`));
    await queue.submit([{ key: 'again' }]);
    expect(await queue.wait('again')).toBe('run1:again');
    expect(await queue.submit([{ key: 'again' }])).toEqual({ accepted: true, ids: ['again'] });
    await expect.poll(async () => (await queue.get('again'))?.result, { timeout: 10_000 }).toBe('run2:again');
  });

  it('retries a result that asks for it, with the retry policy, and completes with the last result', async () => {
    const attempts: number[] = [];
    const queue = makeQueue(
      (p) => {
        attempts.push(attempts.length + 1);
        return Promise.resolve(attempts.length < 5 ? `transient:${p.key}` : 'ok');
      },
      {
        retryOf: (r) =>
          r.startsWith('transient')
            ? new TerraFixError('TFX_TRANSIENT', 'try again', { category: 'transient' })
            : undefined,
      },
    );
    await queue.submit([{ key: 'flaky' }]);
    // maxAttempts 3: two retries, then the third attempt's (still failed) result is the answer.
    expect(await queue.wait('flaky')).toBe('transient:flaky');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('a deferred job waits in the delayed set and runs again, not as an attempt', async () => {
    let calls = 0;
    const queue = makeQueue(
      (p) => {
        calls += 1;
        if (calls <= 3) return Promise.reject(deferral(50, 'over the PR cap'));
        return Promise.resolve(`ran:${p.key}`);
      },
      { retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 10 } },
    );
    await queue.submit([{ key: 'capped' }]);
    expect(await queue.wait('capped')).toBe('ran:capped');
    expect(calls).toBe(4);
  });

  it('runs at most `workers` jobs at once in one replica', async () => {
    let running = 0;
    let peak = 0;
    const queue = makeQueue(
      async (p) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running -= 1;
        return p.key;
      },
      { workers: 3 },
    );
    const keys = Array.from({ length: 12 }, (_, i) => ({ key: `c${i}` }));
    await queue.submit(keys);
    for (const k of keys) await queue.wait(k.key);
    expect(peak).toBe(3);
  });

  it('refuses a batch that does not fit under the limit, all or none', async () => {
    const queue = makeQueue((p) => Promise.resolve(p.key), { limit: 3, work: false });
    expect(await queue.submit([{ key: 'a' }, { key: 'b' }])).toMatchObject({ accepted: true });
    const refused = await queue.submit([{ key: 'c' }, { key: 'd' }]);
    expect(refused).toMatchObject({ accepted: false, reason: 'queue_full' });
    expect((await queue.stats()).depth).toBe(2);
  });

  it('trims finished jobs by count', async () => {
    const queue = makeQueue((p) => Promise.resolve(p.key), {
      completedRetention: { count: 2, ageSeconds: 3_600 },
    });
    const keys = Array.from({ length: 6 }, (_, i) => ({ key: `t${i}` }));
    for (const k of keys) {
      await queue.submit([k]);
      await queue.wait(k.key);
    }
    expect((await queue.counts()).completed).toBeLessThanOrEqual(3);
  });

  it('refuses new work once draining, and lets running jobs finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = makeQueue(async (p) => {
      await gate;
      return p.key;
    });
    await queue.submit([{ key: 'running' }]);
    while ((await queue.stats()).active === 0) await new Promise((r) => setTimeout(r, 10));
    const drained = queue.drain();
    expect(await queue.submit([{ key: 'late' }])).toMatchObject({ accepted: false, reason: 'draining' });
    release();
    await drained;
    expect((await queue.get('running'))?.state).toBe('done');
  });

  it('a job whose replica was killed mid-run is finished by another replica', async () => {
    const { prefix, queueName } = names();
    const child = await startChild('test/queue/support/bullmq-child.ts', {
      REDIS_URL,
      TERRAFIX_TEST_QUEUE: queueName,
      TERRAFIX_TEST_PREFIX: prefix,
    });
    try {
      const producer = makeQueue(() => Promise.resolve('unused'), { prefix, queueName, work: false });
      await producer.submit([{ key: 'orphan' }]);
      await child.line(/^started orphan$/);
      await killChild(child);
      const other = makeQueue((p) => Promise.resolve(`rescued:${p.key}`), {
        prefix,
        queueName,
        stall: { lockDurationMs: 1_000, stalledIntervalMs: 500 },
      });
      expect(await other.wait('orphan')).toBe('rescued:orphan');
    } finally {
      await killChild(child);
    }
  });
});
