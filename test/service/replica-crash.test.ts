/**
 * `kill -9` of a `terrafix serve` replica in the middle of its jobs (fake GitHub holds the PR creation, so the
 * branch is pushed and the PR not yet open): another replica finishes those jobs after the stall timeout, and
 * every failing resource still ends in exactly one PR.
 */
import { describe, expect, it } from 'vitest';
import { killChild } from '../support/child-process.js';
import { until } from './support/serve-process.js';
import { pullsOf, serveSuite } from './support/serve-suite.js';

const { cluster, begin, onCleanup } = serveSuite();

describe('a replica killed mid-job', { timeout: 120_000 }, () => {
  it('another replica finishes its jobs after the stall timeout, with still one PR per failure', async () => {
    const { fakes: f, env: base } = await begin();
    const env = { ...base, TERRAFIX_JOB_LOCK_SECONDS: '2' };
    const release = f.github.hold({ method: 'POST', path: /\/pulls$/ });
    onCleanup(release);
    const a = await cluster.start('a', f, env);
    // Both of a's workers are waiting for GitHub to open their PR (their branches are created).
    await until('a is mid-job twice', () => (f.github.held() >= 2 ? true : undefined));
    const pushed = f.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/git/refs'));
    expect(pushed.length).toBeGreaterThanOrEqual(2);
    await killChild(a.child, 'SIGKILL');
    // Its requests die with it: the fake drops them, nothing is opened on their behalf.
    await until('the dead replica’s requests dropped', () => (f.github.held() === 0 ? true : undefined));
    release();
    expect(pullsOf(f)).toEqual([]);

    const b = await cluster.start('b', f, { ...env, MAX_CONCURRENT_WORKERS: '4' });
    await until('7 PRs', () => (pullsOf(f).length >= 7 ? true : undefined), 90_000);
    await until(
      '7 completed',
      async () => {
        const counts = (await b.status()).counts;
        return typeof counts !== 'string' && counts.completed === 7 ? true : undefined;
      },
      30_000,
    );
    const pulls = pullsOf(f);
    expect(pulls).toHaveLength(7);
    expect(new Set(pulls.map((p) => p.head)).size).toBe(7);
    expect(b.running()).toBe(true);
  });
});
