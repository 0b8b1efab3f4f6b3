// `terrafix stats` and `terrafix cleanup` through commander, against a seeded Redis under a random prefix.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { connectTestRedis, deleteKeysWithPrefix, randomKeyPrefix, REDIS_URL } from '../support/redis.js';
import { SEEDED_STATS, seedStateRecords } from '../support/state-seed.js';

let redis: Redis;
let prefix: string;

beforeAll(async () => {
  redis = await connectTestRedis();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await deleteKeysWithPrefix(redis, prefix);
});
afterAll(() => {
  redis.disconnect();
});

async function run(args: string[], env: Record<string, string> = {}): Promise<string> {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  await buildProgram({ REDIS_URL, TERRAFIX_REDIS_PREFIX: prefix, ...env }).parseAsync([
    'node',
    'terrafix',
    ...args,
  ]);
  return chunks.join('');
}

describe('terrafix stats / cleanup', () => {
  it('stats prints the guide block', async () => {
    prefix = randomKeyPrefix();
    await seedStateRecords(redis, prefix);
    expect(await run(['stats'])).toBe(SEEDED_STATS);
  });

  it('cleanup --retention-days 7 deletes the settled records older than 7 days', async () => {
    prefix = randomKeyPrefix();
    await seedStateRecords(redis, prefix);
    expect(await run(['cleanup', '--retention-days', '7'])).toBe('Deleted 4 old records\n');
    expect(await run(['stats'])).toContain('  Total records: 3\n');
    expect(await run(['cleanup', '--retention-days', '7'])).toBe('Deleted 0 old records\n');
  });

  it('cleanup without the flag uses STATE_RETENTION_DAYS', async () => {
    prefix = randomKeyPrefix();
    await seedStateRecords(redis, prefix);
    expect(await run(['cleanup'], { STATE_RETENTION_DAYS: '30' })).toBe('Deleted 0 old records\n');
  });

  it('rejects a bad --retention-days, naming the flag', async () => {
    prefix = randomKeyPrefix();
    await expect(run(['cleanup', '--retention-days', 'soon'])).rejects.toMatchObject({
      code: 'TFX_CONFIG',
      field: '--retention-days',
    });
  });

  it('fails clearly when Redis is unreachable, without the password', async () => {
    prefix = randomKeyPrefix();
    const env = { REDIS_URL: 'redis://:hunter2@127.0.0.1:1/0' };
    for (const command of [['stats'], ['cleanup', '--retention-days', '7']]) {
      const error = await run(command, env).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TFX_UNREACHABLE', field: 'REDIS_URL' });
      expect((error as Error).message).toMatch(
        /^Redis is not reachable at redis:\/\/127\.0\.0\.1:1\/0 \(REDIS_URL\)$/,
      );
    }
  });
});
