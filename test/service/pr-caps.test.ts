/**
 * A burst of 50 failures through `terrafix serve` processes: the PR caps hold across two replicas (open PRs per
 * repository, then PRs per hour), over-cap work waits as delayed jobs and runs once a place frees; and a dry run
 * writes 50 would-be PRs and pushes nothing (no branch in the bare repository, no PR on the fake).
 */
import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fakes } from '../e2e/support.js';
import { BURST_MAPPING, BURST_REPO, BURST_TEST, seedBurst } from './support/burst.js';
import { sampleSum, type ServeReplica, type ServeStatus, until } from './support/serve-process.js';
import { serveSuite } from './support/serve-suite.js';

const BURST = 50;
const { cluster, begin } = serveSuite();

const pullsOf = (f: Fakes) => f.github.pulls(BURST_REPO.owner, BURST_REPO.name);
const queueOf = (s: ServeStatus) => {
  const q = s.components.queue;
  if (typeof q === 'string') throw new Error('queue unreachable');
  return q;
};
const deferred = async (replicas: ServeReplica[], cap: string) => {
  let sum = 0;
  for (const r of replicas)
    sum += sampleSum(await r.metrics(), 'terrafix_jobs_deferred_total', [`cap="${cap}"`]);
  return sum;
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a burst of 50 failures', { timeout: 150_000 }, () => {
  it('the PR caps hold across two replicas; over-cap jobs wait as delayed jobs and run when a place frees', async () => {
    const { fakes: f, env: base } = await begin();
    await seedBurst(f, BURST);
    const env = {
      ...base,
      GITHUB_REPO_MAPPING: BURST_MAPPING,
      TERRAFIX_MAX_OPEN_PRS: '5',
      TERRAFIX_MAX_PRS_PER_HOUR: '8',
    };
    const replicas = await Promise.all([cluster.start('a', f, env), cluster.start('b', f, env)]);
    const [a] = replicas;
    if (a === undefined) throw new Error('no replica');

    // The open cap: five PRs, the other 45 failures wait (delayed, looked at again every poll interval).
    await until('5 PRs', () => (pullsOf(f).length >= 5 ? true : undefined), 60_000);
    await until('45 deferred', async () => {
      const q = queueOf(await a.status());
      return q.completed === 5 && q.delayed + q.waiting + q.active === BURST - 5 ? true : undefined;
    });
    await pause(2_000); // a few more deferral rounds on both replicas
    expect(pullsOf(f)).toHaveLength(5);
    expect(await deferred(replicas, 'open_per_repo')).toBeGreaterThan(BURST - 5);

    // Three PRs merged, their buckets pass: the loop frees three places and three waiting jobs open theirs.
    const entities = f.vanta.data.entities[BURST_TEST] ?? [];
    const test = f.vanta.data.tests[0];
    if (test === undefined) throw new Error('no test');
    const mergeAndPass = (count: number) => {
      for (const pull of pullsOf(f)
        .filter((p) => p.state === 'open')
        .slice(0, count)) {
        f.github.closePull(BURST_REPO.owner, BURST_REPO.name, pull.number, { merged: true });
        const name = /burst-bucket-\d+/.exec(`${pull.title} ${pull.body}`)?.[0];
        const entity = entities.find((e) => e.displayName === name);
        if (entity === undefined) throw new Error(`no entity for PR ${pull.number}`);
        entity.entityStatus = 'DEACTIVATED';
      }
      test.lastTestRunDate = new Date().toISOString();
    };
    mergeAndPass(3);
    await until('8 PRs', () => (pullsOf(f).length >= 8 ? true : undefined), 60_000);
    // Three more merged: two stay open, yet the hourly cap (8 this hour) holds the rest back.
    mergeAndPass(3);
    await until('per-hour deferrals', async () =>
      (await deferred(replicas, 'per_hour')) > 0 ? true : undefined,
    );
    await pause(2_000);
    expect(pullsOf(f)).toHaveLength(8);
    expect(pullsOf(f).filter((p) => p.state === 'open')).toHaveLength(2);
    expect(new Set(pullsOf(f).map((p) => p.head)).size).toBe(8);
    // Nothing dropped: every failure without a PR still has its job in Redis.
    const q = queueOf(await a.status());
    expect(q.delayed + q.waiting + q.active).toBe(BURST - 8);
  });

  it('DRY_RUN=true writes 50 would-be PRs and pushes nothing', async () => {
    const { fakes: f, prefix, env: base } = await begin();
    await seedBurst(f, BURST);
    const out = join(cluster.dir, `dry-${prefix.slice(-13, -1)}`);
    await cluster.start('dry', f, {
      ...base,
      GITHUB_REPO_MAPPING: BURST_MAPPING,
      DRY_RUN: 'true',
      TERRAFIX_DRY_RUN_DIR: out,
      TERRAFIX_MAX_OPEN_PRS: '100',
      TERRAFIX_MAX_PRS_PER_HOUR: '100',
      MAX_CONCURRENT_WORKERS: '4',
    });
    const files = await until(
      '50 would-be PRs',
      async () => {
        const names = (await readdir(out).catch(() => [])).filter((n) => n.endsWith('.json'));
        return names.length >= BURST ? names : undefined;
      },
      90_000,
    );
    expect(files).toHaveLength(BURST);
    expect(pullsOf(f)).toEqual([]);
    const writes = f.github.calls.filter(
      (c) => c.method !== 'GET' && (c.kind === 'api' || c.path.endsWith('git-receive-pack')),
    );
    expect(writes).toEqual([]);
    const branches = execFileSync(
      'git',
      [
        '--git-dir',
        join(f.github.root, BURST_REPO.owner, `${BURST_REPO.name}.git`),
        'for-each-ref',
        '--format=%(refname)',
        'refs/heads',
      ],
      { encoding: 'utf8' },
    );
    expect(branches.trim().split('\n')).toEqual(['refs/heads/main']);
  });
});
