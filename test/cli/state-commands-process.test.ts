/**
 * `terrafix stats` and `terrafix cleanup` as real processes (the bundled CLI), against a seeded Redis under a random
 * prefix: the guide's output and exit 0; exit 3 with a clear message (and no password) when Redis is unreachable;
 * exit 2 naming the flag for a bad --retention-days.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../../src/state/redis-store.js';
import { bundleCli } from '../support/cli-bundle.js';
import { connectTestRedis, deleteKeysWithPrefix, randomKeyPrefix, REDIS_URL } from '../support/redis.js';

const DAY = 86_400_000;
const META = { test_id: 't', resource_arn: 'arn:aws:s3:::b' };
let redis: Redis;
let dir: string;
let prefix = randomKeyPrefix();

beforeAll(async () => {
  redis = await connectTestRedis();
  dir = await bundleCli('terrafix-state-cli-');
}, 60_000);
afterEach(async () => {
  await deleteKeysWithPrefix(redis, prefix);
});
afterAll(async () => {
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI to its end (killed after 30 s); exit code, stdout and stderr. */
function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'main.js'), ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** 3 completed and 1 failed ten days ago; 1 completed and 2 in progress now. */
async function seed(): Promise<void> {
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

describe('stats and cleanup as processes', () => {
  it('print the guide’s output against a seeded Redis and exit 0', async () => {
    prefix = randomKeyPrefix();
    await seed();
    const env = { REDIS_URL, TERRAFIX_REDIS_PREFIX: prefix };
    const stats = await cli(['stats'], env);
    expect(stats).toMatchObject({ code: 0, stderr: '' });
    expect(stats.stdout).toBe(
      [
        'State Store Statistics:',
        '  Total records: 7',
        '  Pending: 0',
        '  In Progress: 2',
        '  Completed: 4',
        '  Failed: 1',
        '  Resolved: 0',
        '',
      ].join('\n'),
    );
    expect(await cli(['cleanup', '--retention-days', '7'], env)).toEqual({
      code: 0,
      stdout: 'Deleted 4 old records\n',
      stderr: '',
    });
    expect((await cli(['stats'], env)).stdout).toContain('  Total records: 3\n');
  });

  it('exit 3 with a clear message, without the password, when Redis is unreachable', async () => {
    const port = await closedPort();
    const env = { REDIS_URL: `redis://:hunter2@127.0.0.1:${port}/0`, TERRAFIX_REDIS_PREFIX: prefix };
    for (const args of [['stats'], ['cleanup', '--retention-days', '7']]) {
      const run = await cli(args, env);
      expect(run.code).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`Error: Redis is not reachable at redis://127.0.0.1:${port}/0 (REDIS_URL)\n`);
    }
  });

  it('exit 2 naming the flag for a bad --retention-days', async () => {
    const run = await cli(['cleanup', '--retention-days', 'soon'], {
      REDIS_URL,
      TERRAFIX_REDIS_PREFIX: prefix,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--retention-days/);
  });
});
