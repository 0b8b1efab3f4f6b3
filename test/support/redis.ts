/**
 * Helpers for tests that need the real Redis. CI starts Redis, so an unreachable server FAILS the test (never skips).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { escapeGlob } from '../../src/state/redis-keys.js';
import { redactRedisUrl } from '../../src/state/redis-url.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh key prefix such as `terrafix-test-1a2b3c4d5e6f:` so parallel runs never see each other's keys. */
export function randomKeyPrefix(): string {
  return `terrafix-test-${randomBytes(6).toString('hex')}:`;
}

/** Connects to the test Redis, or throws a clear error (which fails the test) when it is not reachable. */
export async function connectTestRedis(): Promise<Redis> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is required by this test but not reachable at ${redactRedisUrl(REDIS_URL)}`, {
      cause: error,
    });
  }
}

/** Every key under `prefix` (SCAN, so it is safe on a shared server). */
export async function keysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) found.add(key);
  } while (cursor !== '0');
  return [...found];
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  const keys = await keysWithPrefix(client, prefix);
  for (let i = 0; i < keys.length; i += 1000) await client.unlink(...keys.slice(i, i + 1000));
  return keys.length;
}
