/**
 * `terrafix api-server` outside mock mode as a real process: without TERRAFIX_WEBHOOK_SECRET it does not start
 * (exit 2, the variable named, no value echoed); with a secret it listens and refuses an unsigned webhook 401.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../support/cli-bundle.js';
import { connectTestRedis, deleteKeysWithPrefix, REDIS_URL, randomKeyPrefix } from '../support/redis.js';

let dir: string;
const prefixes: string[] = [];
beforeAll(async () => {
  dir = await bundleCli('terrafix-api-real-');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  // The intake's queue writes its `meta` key on start.
  const redis = await connectTestRedis();
  for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

function start(extra: Record<string, string>) {
  const prefix = randomKeyPrefix();
  prefixes.push(prefix);
  const child = spawn(process.execPath, [join(dir, 'main.js'), 'api-server', '--port', '0'], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL,
      TERRAFIX_REDIS_PREFIX: prefix,
      TERRAFIX_TERRAFORM_VALIDATE: 'off',
      LOG_LEVEL: 'info',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return { child, out, exited: once(child, 'exit') as Promise<[number | null, string | null]> };
}

describe('terrafix api-server in real mode', { timeout: 60_000 }, () => {
  it('exits 2 naming TERRAFIX_WEBHOOK_SECRET when it is missing or too short', async () => {
    const missing = start({});
    expect((await missing.exited)[0]).toBe(2);
    expect(missing.out.stderr).toContain('TERRAFIX_WEBHOOK_SECRET is required outside mock mode');
    const short = start({ TERRAFIX_WEBHOOK_SECRET: 'short-s3cret' });
    expect((await short.exited)[0]).toBe(2);
    expect(short.out.stderr).toContain('TERRAFIX_WEBHOOK_SECRET');
    expect(short.out.stderr).not.toContain('short-s3cret');
  });

  it('starts as an intake with a secret, refuses an unsigned webhook and stops on SIGTERM', async () => {
    const server = start({ TERRAFIX_WEBHOOK_SECRET: 'cli-real-mode-secret-0001' });
    try {
      await expect
        .poll(() => /"url":"(http:[^"]+)"/.exec(server.out.stdout)?.[1], { timeout: 30_000 })
        .toBeDefined();
      const url = /"url":"(http:[^"]+)"/.exec(server.out.stdout)?.[1] ?? '';
      expect(server.out.stdout).toContain('"mockMode":false');
      const res = await fetch(`${url}/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'TFX_UNAUTHORIZED' });
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exited)[0]).toBe(0);
    expect(server.out.stdout + server.out.stderr).not.toContain('cli-real-mode-secret-0001');
  });
});
