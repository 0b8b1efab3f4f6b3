import { describe, expect, it } from 'vitest';
import { createStateStore } from '../../src/state/create-store.js';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { RedisStateStore } from '../../src/state/redis-store.js';
import { REDIS_URL, randomKeyPrefix } from '../support/redis.js';

const OPTIONS = { retentionSeconds: 60, claimLeaseSeconds: 10, maxAttempts: 3 };

describe('createStateStore', () => {
  it('builds a memory store when no Redis URL is configured', async () => {
    const store = createStateStore({ ...OPTIONS, redisUrl: undefined });
    expect(store).toBeInstanceOf(MemoryStateStore);
    await store.close();
  });

  it('builds a Redis store under the given prefix when a URL is configured', async () => {
    const keyPrefix = randomKeyPrefix();
    const store = createStateStore({ ...OPTIONS, redisUrl: REDIS_URL, keyPrefix });
    expect(store).toBeInstanceOf(RedisStateStore);
    try {
      await store.ping();
      await store.claim('k', { test_id: 't', resource_arn: 'arn:aws:s3:::b' });
      expect((await store.stats()).in_progress).toBe(1);
    } finally {
      await store.clear();
      await store.close();
    }
  });
});
