// `serve` end to end in this process: one replica on Redis (random prefix) over fake Vanta, GitHub and Bedrock.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../src/service/service.js';
import { CREDENTIALS } from '../adapters/bedrock/support.js';
import { type Fakes, realEnv, startFakes } from '../e2e/support.js';
import { connectTestRedis, deleteKeysWithPrefix, randomKeyPrefix, REDIS_URL } from '../support/redis.js';

const TOKEN = 'ghp_servetesttoken000000000000000000000';
const logger = pino({ level: process.env.SERVE_TEST_LOG ?? 'silent' });
let redis: Redis;
let fakes: Fakes;
let dir: string;
let prefix: string;
const services: RunningService[] = [];

beforeAll(async () => {
  redis = await connectTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'terrafix-serve-'));
});
afterEach(async () => {
  await Promise.allSettled(services.splice(0).map((s) => s.stop()));
  await fakes.close();
  await deleteKeysWithPrefix(redis, prefix);
  await deleteKeysWithPrefix(redis, `${prefix}bull:`);
}, 60_000);
afterAll(async () => {
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

async function replica(name: string, extra: Record<string, string> = {}): Promise<RunningService> {
  const env = realEnv(fakes, {
    githubToken: TOKEN,
    workspaceDir: join(dir, name),
    REDIS_URL,
    TERRAFIX_REDIS_PREFIX: prefix,
    TERRAFIX_HEALTH_PORT: '0',
    POLL_INTERVAL_SECONDS: '1',
    TERRAFIX_LEADER_LEASE_SECONDS: '2',
    TERRAFIX_JOB_LOCK_SECONDS: '5',
    MAX_CONCURRENT_WORKERS: '2',
    LOG_LEVEL: 'silent',
    ...extra,
  });
  const service = await startService(env, {
    logger,
    holder: name,
    real: {
      bedrock: { endpoint: fakes.bedrock.url, credentials: CREDENTIALS },
      vanta: { pageSize: 2 },
      github: { msPerSecond: 1, retryBaseMs: 1 },
    },
  });
  services.push(service);
  return service;
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const allPulls = () => [...fakes.github.pulls('octo', 'platform'), ...fakes.github.pulls('octo', 'data')];

interface Status {
  components: { poller: { role: string; cycles: number }; redis: string };
  counts: { completed: number };
}

async function status(s: RunningService): Promise<Status> {
  return (await (await fetch(`${s.healthUrl}/status`)).json()) as Status;
}

// Each test runs real git, the fakes and BullMQ; on a loaded 2-core machine that takes tens of seconds.
describe('terrafix serve', { timeout: 120_000 }, () => {
  it('an entity that stops failing closes its open PR with a comment; a merged one counts as remediated', async () => {
    prefix = randomKeyPrefix();
    fakes = await startFakes(TOKEN);
    const s = await replica('solo');
    await until(() => (allPulls().length >= 7 ? true : undefined));
    await until(async () => ((await status(s)).counts.completed >= 7 ? true : undefined));
    const ebs = fakes.vanta.data.entities['aws-ebs-volume-encrypted'] ?? [];
    const versioning = fakes.vanta.data.entities['aws-s3-bucket-versioning-enabled'] ?? [];
    // One EBS volume passes now; the versioning PR was merged and its test passes.
    const fixedVolume = ebs[0];
    expect(fixedVolume).toBeDefined();
    if (fixedVolume !== undefined) fixedVolume.entityStatus = 'DEACTIVATED';
    const ebsTest = fakes.vanta.data.tests.find((t) => t.id === 'aws-ebs-volume-encrypted');
    if (ebsTest !== undefined) ebsTest.lastTestRunDate = '2026-02-01T00:00:00.000Z';
    const versioningPull = fakes.github
      .pulls('octo', 'platform')
      .find((p) => p.title.toLowerCase().includes('versioning'));
    expect(versioningPull).toBeDefined();
    if (versioningPull !== undefined)
      fakes.github.closePull('octo', 'platform', versioningPull.number, { merged: true });
    for (const e of versioning) e.entityStatus = 'DEACTIVATED';
    const versioningTest = fakes.vanta.data.tests.find((t) => t.id === 'aws-s3-bucket-versioning-enabled');
    if (versioningTest !== undefined) versioningTest.status = 'OK';
    const closed = await until(() => {
      const c = allPulls().filter((p) => p.state === 'closed' && !p.merged);
      return c.length === 1 ? c : undefined;
    });
    expect(closed[0]?.comments?.[0]).toMatch(/no longer fails/);
    // The fake shows the PR closed as soon as it handles the close; the service counts it once the answer is back.
    const metrics = await until(async () => {
      const text = await (await fetch(`${s.healthUrl}/metrics?format=prometheus`)).text();
      return /^terrafix_remediations_merged_total 1$/m.test(text) &&
        /^terrafix_prs_closed_total 1$/m.test(text)
        ? text
        : undefined;
    });
    expect(metrics).toMatch(/^terrafix_time_to_merge_seconds_count 1$/m);

    // The volume fails again: a new regression, processed afresh (its finished job does not hide it) with a new PR.
    if (fixedVolume !== undefined) fixedVolume.entityStatus = 'FAILING';
    if (ebsTest !== undefined) ebsTest.lastTestRunDate = '2026-02-02T00:00:00.000Z';
    const reopened = await until(() => {
      const open = allPulls().filter((p) => p.state === 'open' && p.head === closed[0]?.head);
      return open.length === 1 ? open : undefined;
    });
    expect(reopened[0]?.number).not.toBe(closed[0]?.number);
  });

  it('dry run writes the would-be PRs and opens none; the hourly cap defers the rest', async () => {
    prefix = randomKeyPrefix();
    fakes = await startFakes(TOKEN);
    const out = join(dir, `dry-${prefix.slice(-13, -1)}`);
    const s = await replica('dry', {
      DRY_RUN: 'true',
      TERRAFIX_DRY_RUN_DIR: out,
      TERRAFIX_MAX_PRS_PER_HOUR: '4',
    });
    const files = await until(async () => {
      const names = await readdir(out).catch(() => []);
      return names.length >= 4 ? names : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await readdir(out)).toHaveLength(4);
    expect(files.every((f) => f.endsWith('.json'))).toBe(true);
    expect(allPulls()).toHaveLength(0);
    const text = await (await fetch(`${s.healthUrl}/metrics?format=prometheus`)).text();
    expect(text).toMatch(/^terrafix_jobs_deferred_total\{cap="per_hour"\} [1-9]/m);
    const body = (await (await fetch(`${s.healthUrl}/status`)).json()) as {
      components: { queue: { delayed: number } };
    };
    expect(body.components.queue.delayed).toBe(3);
  });
});
