/**
 * Two `terrafix serve` processes on one Redis (random prefix) over fake Vanta, GitHub and Bedrock: one polls, every
 * failing resource ends in exactly one PR, SIGTERM on the leader hands polling to the other within the lease time,
 * and the new leader closes the PR of a resource that stopped failing, with a comment, and counts a merged one as
 * remediated with its time to merge. Both replicas use one Vanta token, minted once.
 */
import { describe, expect, it } from 'vitest';
import { sampleSum, type ServeReplica, type ServeStatus, until } from './support/serve-process.js';
import { pullsOf, serveSuite } from './support/serve-suite.js';

const LEASE_SECONDS = 3;
const { cluster, begin } = serveSuite();

const completed = (s: ServeStatus) => (typeof s.counts === 'string' ? 0 : s.counts.completed);

describe('two serve replicas', { timeout: 120_000 }, () => {
  it('one polls; one PR per failing resource; SIGTERM hands polling over within the lease; the loop closes', async () => {
    const { fakes: f, env: base } = await begin();
    const env = {
      ...base,
      TERRAFIX_LEADER_LEASE_SECONDS: String(LEASE_SECONDS),
    };
    const replicas = await Promise.all([cluster.start('a', f, env), cluster.start('b', f, env)]);
    const roles = async () => Promise.all(replicas.map(async (r) => [r, await r.status()] as const));
    const [leader, follower] = await until('exactly one leader', async () => {
      const seen = await roles();
      const leaders = seen.filter(([, s]) => s.components.poller.role === 'leader');
      const followers = seen.filter(([, s]) => s.components.poller.role === 'follower');
      return leaders.length === 1 && followers.length === 1
        ? ([leaders[0]![0], followers[0]![0]] as [ServeReplica, ServeReplica])
        : undefined;
    });

    // The seven failing resources of the fixture data: seven PRs, one per branch, all settled.
    await until('7 PRs', () => (pullsOf(f).length >= 7 ? true : undefined));
    await until('7 completed', async () => (completed(await leader.status()) >= 7 ? true : undefined));
    // A few more cycles: nothing is queued twice.
    const cyclesNow = (await leader.status()).components.poller.cycles;
    await until('3 more cycles', async () =>
      (await leader.status()).components.poller.cycles >= cyclesNow + 3 ? true : undefined,
    );
    const pulls = pullsOf(f);
    expect(pulls).toHaveLength(7);
    expect(new Set(pulls.map((p) => p.head)).size).toBe(7);

    // Only the leader polls: the follower ran no cycle and never listed tests; every list call Vanta saw is the
    // leader's (counted before and after reading the fake's log, since polling goes on).
    const followerStatus = await follower.status();
    expect(followerStatus.components.poller).toMatchObject({ role: 'follower', cycles: 0 });
    expect(sampleSum(await follower.metrics(), 'terrafix_poll_cycles_total')).toBe(0);
    expect(sampleSum(await follower.metrics(), 'terrafix_vanta_requests_total', ['endpoint="tests"'])).toBe(
      0,
    );
    const before = sampleSum(await leader.metrics(), 'terrafix_vanta_requests_total', ['endpoint="tests"']);
    const seenByVanta = f.vanta.calls.filter((c) => c.method === 'GET' && c.path === '/v1/tests').length;
    const after = sampleSum(await leader.metrics(), 'terrafix_vanta_requests_total', ['endpoint="tests"']);
    expect(before).toBeGreaterThan(0);
    expect(seenByVanta).toBeGreaterThanOrEqual(before);
    expect(seenByVanta).toBeLessThanOrEqual(after);

    // SIGTERM on the leader: it exits 0 and the follower leads (and polls) within the lease time.
    const signalled = Date.now();
    leader.child.process.kill('SIGTERM');
    await until(
      'the follower leads',
      async () => ((await follower.status()).components.poller.role === 'leader' ? true : undefined),
      LEASE_SECONDS * 1000 + 10_000,
    );
    const handover = Date.now() - signalled;
    expect(handover).toBeLessThan(LEASE_SECONDS * 1000);
    expect(await leader.child.exited).toBe(0);
    await until('the new leader polls', async () =>
      (await follower.status()).components.poller.cycles > 0 ? true : undefined,
    );

    // Close the loop: one EBS volume passes now; the new leader closes its open PR with a comment.
    const volume = f.vanta.data.entities['aws-ebs-volume-encrypted']?.[0];
    const test = f.vanta.data.tests.find((t) => t.id === 'aws-ebs-volume-encrypted');
    if (volume === undefined || test === undefined) throw new Error('fixture data changed');
    volume.entityStatus = 'DEACTIVATED';
    test.lastTestRunDate = new Date().toISOString();
    // And the versioning PR was merged, its test passes now: counted as remediated, with its time to merge.
    const versioning = pullsOf(f).find((p) => p.title.toLowerCase().includes('versioning'));
    const versioningTest = f.vanta.data.tests.find((t) => t.id === 'aws-s3-bucket-versioning-enabled');
    if (versioning === undefined || versioningTest === undefined) throw new Error('fixture data changed');
    f.github.closePull('octo', 'platform', versioning.number, { merged: true });
    versioningTest.status = 'OK';
    const closed = await until('a PR closed', () => {
      const c = pullsOf(f).filter((p) => p.state === 'closed' && !p.merged);
      return c.length > 0 ? c : undefined;
    });
    expect(closed).toHaveLength(1);
    expect(closed[0]?.merged).toBe(false);
    expect(closed[0]?.comments?.[0]).toMatch(/no longer fails/);
    const metrics = await until('the close and the merge are counted', async () => {
      const text = await follower.metrics();
      return sampleSum(text, 'terrafix_prs_closed_total') === 1 &&
        sampleSum(text, 'terrafix_remediations_merged_total') === 1
        ? text
        : undefined;
    });
    expect(sampleSum(metrics, 'terrafix_time_to_merge_seconds_count')).toBe(1);
    expect(pullsOf(f)).toHaveLength(7);

    // One Vanta token for both replicas: minted once, never refused, every API call carried it.
    expect(f.vanta.mints).toBe(1);
    const apiCalls = f.vanta.calls.filter((c) => c.path !== '/oauth/token');
    expect(apiCalls.filter((c) => c.status === 401)).toEqual([]);
    expect(new Set(apiCalls.map((c) => c.token))).toEqual(new Set([1]));
  });
});
