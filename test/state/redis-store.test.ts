import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { RedisStateStore } from '../../src/state/redis-store.js';
import { stateKeys } from '../../src/state/redis-keys.js';
import { redactRedisUrl } from '../../src/state/redis-url.js';
import {
  REDIS_URL,
  connectTestRedis,
  deleteKeysWithPrefix,
  keysWithPrefix,
  randomKeyPrefix,
} from '../support/redis.js';
import { stateStoreContract, testClock } from './contract.js';

const prefix = randomKeyPrefix();
let admin: Redis;
let connected = false;

beforeAll(async () => {
  admin = await connectTestRedis(); // throws, failing the file, when Redis is down
  connected = true;
});

afterAll(async () => {
  if (!connected) return; // beforeAll already failed the file
  await deleteKeysWithPrefix(admin, prefix);
  expect(await keysWithPrefix(admin, prefix)).toEqual([]);
  await admin.quit();
});

stateStoreContract(
  'RedisStateStore',
  (options, clock) =>
    new RedisStateStore({ ...options, redis: REDIS_URL, keyPrefix: prefix, now: clock.now }),
);

const META = { test_id: 't', resource_arn: 'arn:aws:s3:::b' };
const OPTIONS = { retentionSeconds: 7 * 86_400, claimLeaseSeconds: 30, maxAttempts: 3 };

describe('RedisStateStore', () => {
  it('stores JSON under {prefix}failure:{hash} with the retention TTL on settled records', async () => {
    const store = new RedisStateStore({ ...OPTIONS, redis: admin, keyPrefix: prefix });
    const key = 'a'.repeat(64);
    await store.claim(key, META);
    const redisKey = `${prefix}failure:${key}`;
    expect(stateKeys(prefix).failure(key)).toBe(redisKey);
    expect(JSON.parse((await admin.get(redisKey)) ?? 'null')).toMatchObject({ status: 'in_progress' });
    // in_progress lives for the retention too (the lease is inside the record), so attempts outlive a crash.
    expect(await admin.ttl(redisKey)).toBeGreaterThan(OPTIONS.retentionSeconds - 5);
    await store.fail(key, { code: 'TFX_TRANSIENT', message: 'x', retryable: true });
    expect(await admin.ttl(redisKey)).toBeGreaterThan(OPTIONS.retentionSeconds - 5);
    expect(await admin.ttl(redisKey)).toBeLessThanOrEqual(OPTIONS.retentionSeconds);
    await store.claim(key, META);
    await store.complete(key, { pr_url: 'https://example.test/1' });
    const ttl = await admin.ttl(redisKey);
    expect(ttl).toBeGreaterThan(OPTIONS.retentionSeconds - 5);
    expect(ttl).toBeLessThanOrEqual(OPTIONS.retentionSeconds);
    await store.clear();
    await store.close();
  });

  it('uses the lease as the key TTL when the lease is longer than the retention', async () => {
    const store = new RedisStateStore({ ...OPTIONS, retentionSeconds: 10, redis: admin, keyPrefix: prefix });
    await store.claim('long-lease', META);
    expect(await admin.ttl(`${prefix}failure:long-lease`)).toBeGreaterThan(25);
    await store.clear();
  });

  it('clear() deletes only its own prefix', async () => {
    const other = randomKeyPrefix();
    const mine = new RedisStateStore({ ...OPTIONS, redis: admin, keyPrefix: prefix });
    const theirs = new RedisStateStore({ ...OPTIONS, redis: admin, keyPrefix: other });
    try {
      await mine.claim('k', META);
      await theirs.claim('k', META);
      await mine.clear();
      expect(await mine.get('k')).toBeUndefined();
      expect(await theirs.get('k')).toMatchObject({ status: 'in_progress' });
    } finally {
      await deleteKeysWithPrefix(admin, other);
    }
  });

  it('counts across many SCAN pages', async () => {
    const store = new RedisStateStore({ ...OPTIONS, redis: admin, keyPrefix: prefix });
    await Promise.all(Array.from({ length: 1200 }, (_, i) => store.claim(`bulk-${i}`, META)));
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        store.complete(`bulk-${i}`, { pr_url: 'https://example.test/1' }),
      ),
    );
    expect(await store.stats()).toEqual({
      pending: 0,
      in_progress: 900,
      completed: 300,
      failed: 0,
      resolved: 0,
      total: 1200,
    });
    await store.clear();
    expect((await store.stats()).total).toBe(0);
  });

  it('treats an unreadable value as absent and overwrites it on claim', async () => {
    const store = new RedisStateStore({ ...OPTIONS, redis: admin, keyPrefix: prefix });
    await admin.set(`${prefix}failure:junk`, 'not json', 'EX', 60);
    expect(await store.get('junk')).toBeUndefined();
    expect(await store.claim('junk', META)).toEqual({ claimed: true, attempts: 1 });
    await store.clear();
  });

  it('leaves a client it was given open on close()', async () => {
    const store = new RedisStateStore({ ...OPTIONS, redis: admin, keyPrefix: prefix });
    await store.close();
    expect(await admin.ping()).toBe('PONG');
  });

  it('fails fast with TFX_STATE_STORE (transient, cause kept, no password) when Redis is unreachable', async () => {
    const url = 'redis://user:s3cret-pass@127.0.0.1:1/0';
    const store = new RedisStateStore({ ...OPTIONS, redis: url, keyPrefix: prefix, now: testClock().now });
    const started = Date.now();
    const error: unknown = await store.ping().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(TerraFixError);
    const tfx = error as TerraFixError;
    expect(tfx.code).toBe('TFX_STATE_STORE');
    expect(tfx.category).toBe('transient');
    expect(tfx.retryable).toBe(true);
    expect(tfx.cause).toBeInstanceOf(Error);
    expect(`${tfx.message} ${String(tfx.cause)} ${tfx.stack ?? ''}`).not.toContain('s3cret');
    await expect(store.claim('k', META)).rejects.toMatchObject({ code: 'TFX_STATE_STORE' });
    await store.close();
  });

  it('redacts credentials from a URL for logs', () => {
    expect(redactRedisUrl('redis://user:pw@cache.internal:6380/2')).toBe('redis://cache.internal:6380/2');
    expect(redactRedisUrl('::not a url::')).toBe('redis://<invalid>');
  });
});
