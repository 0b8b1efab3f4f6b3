// Replicas sharing one Vanta token through Redis (random prefix) against the fake Vanta: one mint for all, one
// re-mint after a revocation, a lone mint while the store is away; the key names the application by a hash only.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVanta, type SharedTokenStore } from '../../../src/adapters/vanta/index.js';
import { RedisVantaTokenStore } from '../../../src/state/redis-vanta-token.js';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  keysWithPrefix,
  randomKeyPrefix,
} from '../../support/redis.js';
import {
  bucketTest,
  capturedLogger,
  CLIENT_ID,
  CLIENT_SECRET,
  dataOf,
  fake,
  settings,
  VirtualTime,
} from './support.js';

let redis: Redis;
let prefix = randomKeyPrefix();

beforeAll(async () => {
  redis = await connectTestRedis();
});
afterEach(async () => {
  await deleteKeysWithPrefix(redis, prefix);
});
afterAll(() => {
  redis.disconnect();
});

const data = () => dataOf(bucketTest('aws-s3-public-access-blocked', 2));

/** One "replica": its own Vanta client and logger, sharing `store`. */
function replica(url: string, time: VirtualTime, store: SharedTokenStore) {
  const { logger, lines } = capturedLogger();
  const vanta = createVanta(settings(url), {
    logger,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 1,
    sharedToken: store,
  });
  return { vanta, lines };
}

/** A fresh key prefix, a fake Vanta and two replicas sharing its token through Redis under that prefix. */
async function twoReplicas() {
  prefix = randomKeyPrefix();
  const time = new VirtualTime();
  const fakeVanta = await fake({ data: data(), now: time.now });
  const store = () => new RedisVantaTokenStore(redis, prefix, CLIENT_ID, time.now);
  return { fakeVanta, a: replica(fakeVanta.url, time, store()), b: replica(fakeVanta.url, time, store()) };
}

describe('a Vanta token shared through Redis', () => {
  it('two replicas mint once and both use that token', async () => {
    const { fakeVanta, a, b } = await twoReplicas();
    await Promise.all([
      a.vanta.reader.listFailingTests(),
      b.vanta.reader.listFailingTests(),
      a.vanta.reader.listFailingTests(),
      b.vanta.reader.listFailingTests(),
    ]);
    expect(fakeVanta.mints).toBe(1);
    const gets = fakeVanta.calls.filter((c) => c.method === 'GET');
    expect(gets.map((c) => [c.status, c.token])).toEqual(Array.from({ length: 4 }, () => [200, 1]));
    // The key names the application by a hash; neither the client id nor the token is in a key or a log line.
    const keys = await keysWithPrefix(redis, prefix);
    expect(keys).toEqual([expect.stringMatching(/^terrafix-test-[0-9a-f]+:vanta:token:[0-9a-f]{16}$/)]);
    const token = fakeVanta.issuedTokens()[0] ?? 'none';
    for (const text of [...keys, ...a.lines, ...b.lines]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(CLIENT_SECRET);
    }
  });

  it('after a revocation one replica re-mints and the other adopts its token', async () => {
    const { fakeVanta, a, b } = await twoReplicas();
    await a.vanta.reader.listFailingTests();
    await b.vanta.reader.listFailingTests();
    fakeVanta.revokeAll();
    await a.vanta.reader.listFailingTests();
    await b.vanta.reader.listFailingTests();
    expect(fakeVanta.mints).toBe(2);
    const gets = fakeVanta.calls.filter((c) => c.method === 'GET');
    // b's own copy of the old token is refused once; it then takes a's new token instead of minting again.
    expect(gets.map((c) => c.status)).toEqual([200, 200, 401, 200, 401, 200]);
    expect(gets.at(-1)?.token).toBe(2);
  });

  it('mints on its own while the store is unreachable', async () => {
    prefix = randomKeyPrefix();
    const time = new VirtualTime();
    const fakeVanta = await fake({ data: data(), now: time.now });
    const away = (): Promise<never> => Promise.reject(new Error('connect ECONNREFUSED'));
    const broken: SharedTokenStore = { read: away, write: away, lock: away, unlock: away };
    const a = replica(fakeVanta.url, time, broken);
    await a.vanta.reader.listFailingTests();
    await a.vanta.reader.listFailingTests();
    expect(fakeVanta.mints).toBe(1);
    expect(fakeVanta.calls.filter((c) => c.method === 'GET').map((c) => c.status)).toEqual([200, 200]);
  });
});
