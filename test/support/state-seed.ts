/** The state records the `stats` / `cleanup` tests count and delete. */
import type { Redis } from 'ioredis';
import { RedisStateStore } from '../../src/state/redis-store.js';

const DAY = 86_400_000;
const META = { test_id: 't', resource_arn: 'arn:aws:s3:::b' };

/** Under `prefix`: 3 completed and 1 failed ten days ago; 1 completed and 2 in progress now. */
export async function seedStateRecords(redis: Redis, prefix: string): Promise<void> {
  let now = Date.now() - 10 * DAY;
  const store = new RedisStateStore({
    redis,
    keyPrefix: prefix,
    retentionSeconds: 30 * 86_400,
    claimLeaseSeconds: 900,
    maxAttempts: 3,
    now: () => now,
  });
  for (const k of ['a', 'b', 'c']) {
    await store.claim(k, META);
    await store.complete(k, { pr_url: `https://github.com/o/r/pull/${k}` });
  }
  await store.claim('d', META);
  await store.fail('d', { code: 'TFX_PERMANENT', message: 'no', retryable: false });
  now = Date.now();
  await store.claim('e', META);
  await store.complete('e', { pr_url: 'https://github.com/o/r/pull/e' });
  await store.claim('f', META);
  await store.claim('g', META);
}

/** What `terrafix stats` prints for those records, in the product guide's layout. */
export const SEEDED_STATS = [
  'State Store Statistics:',
  '  Total records: 7',
  '  Pending: 0',
  '  In Progress: 2',
  '  Completed: 4',
  '  Failed: 1',
  '  Resolved: 0',
  '',
].join('\n');
