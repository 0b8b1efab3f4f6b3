/**
 * `terrafix stats` and `terrafix cleanup` as real processes (the bundled CLI), against a seeded Redis under a random
 * prefix: the guide's output and exit 0; exit 3 with a clear message (and no password) when Redis is unreachable;
 * exit 2 naming the flag for a bad --retention-days.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../support/cli-bundle.js';
import { freePort } from '../support/ports.js';
import { connectTestRedis, deleteKeysWithPrefix, randomKeyPrefix, REDIS_URL } from '../support/redis.js';
import { SEEDED_STATS, seedStateRecords } from '../support/state-seed.js';

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

describe('stats and cleanup as processes', () => {
  it('print the guide’s output against a seeded Redis and exit 0', async () => {
    prefix = randomKeyPrefix();
    await seedStateRecords(redis, prefix);
    const env = { REDIS_URL, TERRAFIX_REDIS_PREFIX: prefix };
    const stats = await cli(['stats'], env);
    expect(stats).toMatchObject({ code: 0, stderr: '' });
    expect(stats.stdout).toBe(SEEDED_STATS);
    expect(await cli(['cleanup', '--retention-days', '7'], env)).toEqual({
      code: 0,
      stdout: 'Deleted 4 old records\n',
      stderr: '',
    });
    expect((await cli(['stats'], env)).stdout).toContain('  Total records: 3\n');
  });

  it('exit 3 with a clear message, without the password, when Redis is unreachable', async () => {
    const port = await freePort();
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
