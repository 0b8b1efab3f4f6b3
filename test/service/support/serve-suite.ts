/**
 * The hooks every multi-process `serve` test file shares: one ServeCluster (the CLI bundled once), the test Redis,
 * fresh fakes and a fresh key prefix per test, and, after each test whatever it did, its cleanups (a held fake
 * request released, say), its replicas stopped, its fakes closed and its keys deleted.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Fakes, startFakes } from '../../e2e/support.js';
import { connectTestRedis, deleteKeysWithPrefix, randomKeyPrefix, REDIS_URL } from '../../support/redis.js';
import { GITHUB_TOKEN, ServeCluster } from './serve-process.js';

export interface ServeTest {
  fakes: Fakes;
  prefix: string;
  /** Points replicas at the test Redis under this test's prefix. */
  env: { REDIS_URL: string; TERRAFIX_REDIS_PREFIX: string };
}

export interface ServeSuite {
  readonly cluster: ServeCluster;
  /** Starts this test's fakes under a new key prefix. */
  begin: () => Promise<ServeTest>;
  /** Runs after this test, before its replicas stop. */
  onCleanup: (cleanup: () => void) => void;
}

/** Registers the file's hooks; call once at the top of a test file. */
export function serveSuite(): ServeSuite {
  const cluster = new ServeCluster();
  let redis: Redis | undefined;
  let current: ServeTest | undefined;
  const cleanups: (() => void)[] = [];
  beforeAll(async () => {
    redis = await connectTestRedis();
    await cluster.setup();
  }, 60_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await cluster.stopAll();
    const test = current;
    current = undefined;
    await test?.fakes.close();
    if (test !== undefined && redis !== undefined) await deleteKeysWithPrefix(redis, test.prefix);
  }, 30_000);
  afterAll(async () => {
    await cluster.teardown();
    redis?.disconnect();
  });
  return {
    cluster,
    begin: async () => {
      const prefix = randomKeyPrefix();
      const fakes = await startFakes(GITHUB_TOKEN);
      current = { fakes, prefix, env: { REDIS_URL, TERRAFIX_REDIS_PREFIX: prefix } };
      return current;
    },
    onCleanup: (cleanup) => {
      cleanups.push(cleanup);
    },
  };
}

/** The PRs on the sample mapping's two repositories (test/e2e/support.ts). */
export const pullsOf = (f: Fakes) => [
  ...f.github.pulls('octo', 'platform'),
  ...f.github.pulls('octo', 'data'),
];
