/**
 * The API server outside mock mode, in this process over the real Redis (random prefix) and the fakes: signed
 * webhooks go onto the shared BullMQ queue and end in one PR; unsigned, malformed, wrongly signed and altered
 * requests get 401 and queue nothing; an intake-only API server and a `serve` replica share the work.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startApiServer } from '../../src/api-server/server.js';
import { loadApiServerConfig } from '../../src/config/api-server.js';
import type { Env } from '../../src/config/load.js';
import { createVanta } from '../../src/adapters/vanta/index.js';
import { loadRealAdaptersConfig } from '../../src/config/real-mode.js';
import type { Failure, FailureInput } from '../../src/pipeline/failure.js';
import { type RunningService, startService } from '../../src/service/service.js';
import { SIGNATURE_HEADER, signatureValue } from '../../experiments/signature.js';
import { CREDENTIALS } from '../adapters/bedrock/support.js';
import { type Fakes, realEnv, startFakes } from '../e2e/support.js';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  keysWithPrefix,
  randomKeyPrefix,
  REDIS_URL,
} from '../support/redis.js';

const TOKEN = 'ghp_apirealmodetoken00000000000000000000';
const SECRET = 'tfx-webhook-secret-for-tests-0001';
const FAILURE = JSON.parse(
  readFileSync(new URL('../e2e/fixtures/rds-failure.json', import.meta.url), 'utf8'),
) as FailureInput;
const logger = pino({ level: process.env.API_REAL_TEST_LOG ?? 'silent' });
const REAL = {
  bedrock: { endpoint: '', credentials: CREDENTIALS },
  vanta: { pageSize: 2 },
  github: { msPerSecond: 1, retryBaseMs: 1 },
};

let redis: Redis;
let fakes: Fakes;
let dir: string;
let prefix: string;
const servers: RunningServer[] = [];
const services: RunningService[] = [];

beforeAll(async () => {
  redis = await connectTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'terrafix-api-real-'));
});
afterEach(async () => {
  await Promise.allSettled(servers.splice(0).map((s) => s.stop()));
  await Promise.allSettled(services.splice(0).map((s) => s.stop()));
  await fakes.close();
  await deleteKeysWithPrefix(redis, prefix);
}, 60_000);
afterAll(async () => {
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

function env(name: string, extra: Env = {}): Env {
  return realEnv(fakes, {
    githubToken: TOKEN,
    workspaceDir: join(dir, name),
    REDIS_URL,
    TERRAFIX_REDIS_PREFIX: prefix,
    TERRAFIX_API_PORT: '0',
    TERRAFIX_HEALTH_PORT: '0',
    TERRAFIX_WEBHOOK_SECRET: SECRET,
    TERRAFIX_JOB_LOCK_SECONDS: '5',
    MAX_CONCURRENT_WORKERS: '2',
    LOG_LEVEL: 'silent',
    ...extra,
  });
}

async function apiServer(name: string, extra: Env = {}): Promise<RunningServer> {
  const e = env(name, extra);
  const server = await startApiServer(loadApiServerConfig(e), {
    env: e,
    overrides: { logger, real: { ...REAL, bedrock: { ...REAL.bedrock, endpoint: fakes.bedrock.url } } },
  });
  servers.push(server);
  return server;
}

function sign(body: string, secret = SECRET): string {
  return signatureValue(createHmac('sha256', secret).update(body).digest('hex'));
}

async function post(
  server: RunningServer,
  path: string,
  body: string,
  signature?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { [SIGNATURE_HEADER]: signature }),
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const allPulls = () => [...fakes.github.pulls('octo', 'platform'), ...fakes.github.pulls('octo', 'data')];
// BullMQ writes the queue's `meta` key when it opens; jobs and their lists are everything else.
const queuedKeys = async () =>
  (await keysWithPrefix(redis, `${prefix}bull:`)).filter((k) => !k.endsWith(':meta'));

/** The RDS failure as the poller reads it from the fake Vanta (its key is the one `serve` queues under). */
async function polledRdsFailure(e: Env): Promise<Failure> {
  const vanta = createVanta(loadRealAdaptersConfig(e).vanta, { logger });
  for (const test of await vanta.reader.listFailingTests()) {
    if (test.id !== FAILURE.test_id) continue;
    for await (const failure of vanta.reader.failuresOf(test)) return failure;
  }
  throw new Error('the fake Vanta lists no RDS failure');
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Real git, the fakes and BullMQ on a loaded 2-core machine: tens of seconds per test.
describe('the API server in real mode', { timeout: 150_000 }, () => {
  it('processes a signed webhook into exactly one PR; a signed replay opens no second one', async () => {
    prefix = randomKeyPrefix();
    fakes = await startFakes(TOKEN);
    const server = await apiServer('worker', { TERRAFIX_API_PROCESS: 'true' });
    const body = JSON.stringify(FAILURE);
    const first = await post(server, '/webhook', body, sign(body));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ success: true, outcome: 'completed' });
    expect(allPulls()).toHaveLength(1);
    expect(String(first.json.pr_url)).toContain(`/pull/${allPulls()[0]?.number}`);
    const again = await post(server, '/webhook', body, sign(body));
    expect(again.status).toBe(200);
    expect(allPulls()).toHaveLength(1);
    // The job lives in the shared queue under the service's prefix, by its failure key.
    const status = (await (await fetch(`${server.url}/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ mock_mode: false, state_store: { backend: 'redis' } });
  });

  it('refuses unsigned, malformed, wrongly signed and altered requests with 401, queueing nothing', async () => {
    prefix = randomKeyPrefix();
    fakes = await startFakes(TOKEN);
    // Intake only: anything queued would stay waiting in Redis, where this test looks for it.
    const server = await apiServer('intake');
    const body = JSON.stringify(FAILURE);
    const altered = JSON.stringify({ ...FAILURE, resource_arn: `${FAILURE.resource_arn}-other` });
    const batch = JSON.stringify([FAILURE]);
    const refused = [
      await post(server, '/webhook', body),
      await post(server, '/webhook', body, 'sha256=not-hex'),
      await post(server, '/webhook', body, `sha1=${'0'.repeat(40)}`),
      await post(server, '/webhook', body, sign(body, 'another-secret-of-16-chars')),
      await post(server, '/webhook', altered, sign(body)), // replayed signature, changed body
      await post(server, '/webhook?mode=async', '{"not json', sign(body)),
      await post(server, '/batch', batch),
      await post(server, '/batch?mode=async', JSON.stringify([FAILURE, FAILURE]), sign(batch)),
    ];
    for (const r of refused) {
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ code: 'TFX_UNAUTHORIZED' });
      expect(String(r.json.error)).toContain('X-TerraFix-Signature');
      expect(JSON.stringify(r.json)).not.toContain(SECRET);
    }
    expect(refused.map((r) => r.json.error)).toContain(
      'X-TerraFix-Signature does not match the request body',
    );
    expect(await queuedKeys()).toEqual([]);
    // The same bodies, signed, are taken: the check above could have seen them.
    const accepted = await post(server, '/webhook?mode=async', body, sign(body));
    expect(accepted.status).toBe(202);
    const two = JSON.stringify([
      FAILURE,
      { ...FAILURE, resource_id: 'another', resource_arn: 'arn:aws:s3:::x' },
    ]);
    const batched = await post(server, '/batch?mode=async', two, sign(two));
    expect(batched.status).toBe(202);
    expect(batched.json).toMatchObject({ total: 2, accepted: 2 });
    expect((await queuedKeys()).length).toBeGreaterThan(0);
    const counts = (await (await fetch(`${server.url}/status`)).json()) as { queue: { depth: number } };
    expect(counts.queue.depth).toBe(2); // the replayed failure is one job (its key), the other is new
  });

  it('keeps /configure and clear_state forbidden and the body limit in force outside mock mode', async () => {
    prefix = randomKeyPrefix();
    fakes = await startFakes(TOKEN);
    const server = await apiServer('forbidden', { TERRAFIX_BODY_LIMIT_BYTES: '2048' });
    expect((await fetch(`${server.url}/configure`)).status).toBe(403);
    const patch = '{"latency_ms":0}';
    expect(await post(server, '/configure', patch, sign(patch))).toMatchObject({
      status: 403,
      json: { code: 'TFX_FORBIDDEN' },
    });
    expect((await post(server, '/configure', patch)).status).toBe(401);
    const reset = '{"clear_state":true}';
    expect((await post(server, '/stats/reset', reset, sign(reset))).status).toBe(403);
    const big = JSON.stringify({ ...FAILURE, failure_reason: 'x'.repeat(4096) });
    expect((await post(server, '/webhook', big, sign(big))).status).toBe(413);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });

  it('an intake-only API server and a serve replica on one Redis open one PR per failure', async () => {
    prefix = randomKeyPrefix();
    fakes = await startFakes(TOKEN);
    const server = await apiServer('intake-shared');
    // Pushed before serve polls the same failure: whichever comes second finds the job (or its record) there.
    const body = JSON.stringify(await polledRdsFailure(env('reader')));
    expect((await post(server, '/webhook?mode=async', body, sign(body))).status).toBe(202);
    const service = await startService(env('serve', { POLL_INTERVAL_SECONDS: '1' }), {
      logger,
      holder: 'serve',
      real: { ...REAL, bedrock: { ...REAL.bedrock, endpoint: fakes.bedrock.url } },
    });
    services.push(service);
    // The fake Vanta lists 7 failing entities, the pushed one among them.
    await until(() => (allPulls().length >= 7 ? true : undefined));
    // Pushed again after it was processed: still the one PR.
    const sync = await post(server, '/webhook', body, sign(body));
    expect(sync.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_000));
    const pulls = allPulls();
    expect(pulls).toHaveLength(7);
    expect(new Set(pulls.map((p) => p.head)).size).toBe(7);
  });

  it('does not start without TERRAFIX_WEBHOOK_SECRET, naming the variable', async () => {
    prefix = randomKeyPrefix();
    fakes = await startFakes(TOKEN);
    const e = env('no-secret', { TERRAFIX_WEBHOOK_SECRET: '' });
    const error = await startApiServer(loadApiServerConfig(e), { env: e }).then(
      () => undefined,
      (err: unknown) => err as { code?: string; field?: string; message: string },
    );
    expect(error).toMatchObject({ code: 'TFX_CONFIG', field: 'TERRAFIX_WEBHOOK_SECRET' });
    expect(error?.message).toContain('TERRAFIX_WEBHOOK_SECRET');
  });
});
