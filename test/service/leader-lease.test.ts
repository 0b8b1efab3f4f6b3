import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LeaderLease } from '../../src/service/leader-lease.js';
import type { LeaseStore } from '../../src/state/lease-store.js';
import { RedisLeaseStore } from '../../src/state/redis-lease-store.js';
import { connectTestRedis, deleteKeysWithPrefix, randomKeyPrefix } from '../support/redis.js';

let redis: Redis;
let prefix: string;
const leases: LeaderLease[] = [];
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  redis = await connectTestRedis();
});
afterEach(async () => {
  await Promise.all(leases.splice(0).map((l) => l.stop()));
  await deleteKeysWithPrefix(redis, prefix);
});
afterAll(() => {
  redis.disconnect();
});

function lease(holder: string, store: LeaseStore = new RedisLeaseStore(redis, prefix), ttlMs = 300) {
  const changes: boolean[] = [];
  const l = new LeaderLease({ store, holder, ttlMs, logger, onChange: (leader) => changes.push(leader) });
  leases.push(l);
  return { lease: l, changes };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LeaderLease on Redis', () => {
  it('exactly one of two replicas leads, and keeps leading while it renews', async () => {
    prefix = randomKeyPrefix();
    const a = lease('a');
    const b = lease('b');
    await a.lease.start();
    await b.lease.start();
    expect(a.lease.role).toBe('leader');
    expect(b.lease.role).toBe('follower');
    await new Promise((r) => setTimeout(r, 1_000)); // > 3 TTLs: renewals keep it
    expect(a.lease.role).toBe('leader');
    expect(b.lease.role).toBe('follower');
    expect(await a.lease.holds()).toBe(true);
    expect(await b.lease.holds()).toBe(false);
  });

  it('a stopped leader hands over at once; the new token is larger', async () => {
    prefix = randomKeyPrefix();
    const a = lease('a');
    const b = lease('b');
    await a.lease.start();
    await b.lease.start();
    const first = a.lease.token ?? 0;
    await a.lease.stop();
    await b.lease.tick();
    expect(b.lease.role).toBe('leader');
    expect(b.lease.token).toBeGreaterThan(first);
    expect(a.changes).toEqual([true, false]);
  });

  it('a leader that died (stopped renewing) is replaced once its lease expires', async () => {
    prefix = randomKeyPrefix();
    const store = new RedisLeaseStore(redis, prefix);
    expect(await store.acquire('dead', 300)).toBeGreaterThan(0); // a leader that never renews
    const b = lease('b');
    await b.lease.start();
    expect(b.lease.role).toBe('follower');
    await until(() => b.lease.role === 'leader');
    expect(b.changes).toEqual([true]);
  });

  it('a leader whose lease was taken steps down at its next renewal and fails the fencing check', async () => {
    prefix = randomKeyPrefix();
    const a = lease('a');
    await a.lease.start();
    const old = a.lease.token ?? 0;
    await redis.del(`${prefix}leader`); // expired as if the leader had paused past its TTL
    const store = new RedisLeaseStore(redis, prefix);
    const stolen = await store.acquire('b', 5_000);
    expect(stolen).toBeGreaterThan(old);
    expect(await a.lease.holds()).toBe(false);
    await a.lease.tick();
    expect(a.lease.role).toBe('follower');
  });

  it('steps down after a whole TTL without a successful renewal (Redis unreachable)', async () => {
    prefix = randomKeyPrefix();
    let broken = false;
    const real = new RedisLeaseStore(redis, prefix);
    const flaky: LeaseStore = {
      acquire: (h, t) => real.acquire(h, t),
      renew: (h, k, t) => (broken ? Promise.reject(new Error('ECONNREFUSED')) : real.renew(h, k, t)),
      release: (h, k) => real.release(h, k),
      current: () => real.current(),
    };
    const a = lease('a', flaky);
    await a.lease.start();
    broken = true;
    await a.lease.tick();
    expect(a.lease.role).toBe('leader'); // one failed renewal is not enough
    await until(() => a.lease.role === 'follower', 2_000);
  });
});
