import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TerraFixError } from '../../../src/pipeline/errors.js';
import { rejection } from '../../support/rejection.js';
import { GitHubPullTracker } from '../../../src/adapters/github/pull-tracker.js';
import {
  BASE_FILES,
  CTX,
  draft,
  FIXED,
  type GitHubWorld,
  githubWorld,
  publisherOptions,
  READ_TOKEN,
  TOKEN,
} from './helpers.js';

const BRANCH = 'terrafix/s3-bucket-versioning-bbbbbbbbbbbb';

describe('GitHubPublisher (Octokit + throttling + retry) against the fake GitHub', () => {
  let world: GitHubWorld;
  beforeEach(async () => {
    world = await githubWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  const bare = () => world.fake.repo('octo', 'infra').bare;
  const writes = (path: string) =>
    world.fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith(path));

  it('commits the fix on top of the base head (a real git commit) and opens a labelled PR', async () => {
    const base = await bare().resolveRef('refs/heads/main');
    const pr = await world.publisher().publish(draft(), CTX);
    expect(pr).toMatchObject({ number: 1, reused: false });
    expect(pr.url).toBe(`${world.fake.url}/octo/infra/pull/1`);

    // The branch holds a real commit: read back with git from the bare repository.
    const head = await bare().resolveRef(`refs/heads/${BRANCH}`);
    expect(head).toBeDefined();
    const commit = await bare().commitInfo(head ?? '');
    expect(commit.parents).toEqual([base]);
    expect(commit.message).toBe('fix(compliance): S3 Bucket Versioning\n\nAutomated fix.');
    // TERRAFORM_PATH prefixes the draft's root-relative path; the other files are untouched.
    expect(await bare().readFile(head ?? '', 'infra/main.tf')).toBe(FIXED);
    expect(await bare().readFile(head ?? '', 'infra/network.tf')).toBe(BASE_FILES['infra/network.tf']);
    expect(await bare().readFile(head ?? '', 'main.tf')).toBeUndefined();

    const [pull] = world.fake.pulls('octo', 'infra');
    expect(pull).toMatchObject({
      title: '🔴 [TerraFix] S3 Bucket Versioning',
      head: BRANCH,
      base: 'main',
      state: 'open',
      draft: false,
      headSha: head,
    });
    expect(pull?.body).toContain('Fixes: test-s3-versioning');
    expect(pull?.labels).toEqual(['compliance', 'terrafix', 'severity:high']);
    // Missing labels were created with TerraFix's colour first; the existing one kept its own.
    const labels = world.fake.repo('octo', 'infra').labels;
    expect(labels.get('terrafix')?.color).toBe('0366d6');
    expect(labels.get('severity:high')?.color).toBe('0366d6');
    expect(labels.get('compliance')?.color).toBe('b60205');

    // Refs travel percent-encoded (heads%2Fmain) and the fake routes on the decoded path.
    expect(world.fake.calls.find((c) => c.path === '/repos/octo/infra/git/ref/heads/main')?.rawUrl).toContain(
      'heads%2Fmain',
    );
    // The lookup asked for PRs from owner:branch.
    const list = world.fake.calls.find((c) => c.method === 'GET' && c.path === '/repos/octo/infra/pulls');
    expect(new URLSearchParams(list?.query).get('head')).toBe(`octo:${BRANCH}`);
  });

  it('a second publish reuses the open PR: no second PR, no second commit', async () => {
    const publisher = world.publisher();
    const first = await publisher.publish(draft(), CTX);
    const head = await bare().resolveRef(`refs/heads/${BRANCH}`);
    const second = await publisher.publish(draft(), CTX);
    expect(second).toEqual({ ...first, reused: true });
    expect(world.fake.pulls('octo', 'infra')).toHaveLength(1);
    expect(writes('/git/commits')).toHaveLength(1);
    expect(await bare().resolveRef(`refs/heads/${BRANCH}`)).toBe(head);
  });

  it('two publishers racing for one branch end with one PR', async () => {
    const [a, b] = await Promise.all([
      world.publisher().publish(draft(), CTX),
      world.publisher().publish(draft(), CTX),
    ]);
    expect(a.number).toBe(b.number);
    expect(world.fake.pulls('octo', 'infra')).toHaveLength(1);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
  });

  it('a merged PR for the branch is reused (the fix already landed): nothing new is opened', async () => {
    const first = await world.publisher().publish(draft(), CTX);
    world.fake.closePull('octo', 'infra', first.number, { merged: true });
    const again = await world.publisher().publish(draft(), CTX);
    expect(again).toEqual({ ...first, reused: true });
    expect(world.fake.pulls('octo', 'infra')).toHaveLength(1);
  });

  it('a PR closed without merging is respected: permanent error, no second PR, branch untouched', async () => {
    const first = await world.publisher().publish(draft(), CTX);
    const head = await bare().resolveRef(`refs/heads/${BRANCH}`);
    world.fake.closePull('octo', 'infra', first.number);
    const error = await rejection(world.publisher().publish(draft(), CTX));
    expect(error).toMatchObject({ code: 'TFX_PERMANENT', category: 'permanent' });
    expect(error.message).toContain(`#${first.number}`);
    expect(error.message).toContain('reopen it');
    expect(world.fake.pulls('octo', 'infra')).toHaveLength(1);
    expect(await bare().resolveRef(`refs/heads/${BRANCH}`)).toBe(head);
  });

  it('a PR TerraFix closed itself (the loop: the resource stopped failing) lets a regression open a new one', async () => {
    const first = await world.publisher().publish(draft(), CTX);
    const tracker = new GitHubPullTracker(publisherOptions(TOKEN, world.fake.url));
    await tracker.closeWithComment('octo/infra', first.number, 'The compliance test no longer fails.');
    const [closed] = world.fake.pulls('octo', 'infra');
    expect(closed).toMatchObject({
      state: 'closed',
      merged: false,
      comments: ['The compliance test no longer fails.'],
    });
    expect(closed?.body).toContain('<!-- terrafix:closed-resolved -->');
    const again = await world.publisher().publish(draft(), CTX);
    expect(again).toMatchObject({ reused: false });
    expect(again.number).not.toBe(first.number);
    expect(world.fake.pulls('octo', 'infra').map((p) => [p.number, p.state])).toEqual([
      [first.number, 'closed'],
      [again.number, 'open'],
    ]);
  });

  it('a leftover branch without a PR is reset to a fresh commit on the current base', async () => {
    const stale = await bare().commitFiles('main', { 'infra/main.tf': '# old base\n' }, 'old');
    await bare().updateRef(`refs/heads/${BRANCH}`, stale, '');
    const base = await bare().commitFiles('main', { 'infra/extra.tf': '# newer base\n' }, 'newer');
    const pr = await world.publisher().publish(draft(), CTX);
    expect(pr.reused).toBe(false);
    const head = await bare().resolveRef(`refs/heads/${BRANCH}`);
    expect((await bare().commitInfo(head ?? '')).parents).toEqual([base]);
    expect(await bare().readFile(head ?? '', 'infra/main.tf')).toBe(FIXED);
    expect(await bare().readFile(head ?? '', 'infra/extra.tf')).toBe('# newer base\n');
    // The ref update went to the percent-encoded branch path.
    expect(world.fake.calls.find((c) => c.method === 'PATCH')?.rawUrl).toContain('heads%2Fterrafix%2F');
  });

  it('opens a draft PR when configured, adds extra labels, and asks for the default branch when the base is unknown', async () => {
    await world
      .publisher({ draft: true, extraLabels: ['team:platform', 'terrafix'] })
      .publish(draft({ repo: { owner: 'octo', name: 'infra', baseBranch: '' } }), CTX);
    const [pull] = world.fake.pulls('octo', 'infra');
    expect(pull).toMatchObject({ draft: true, base: 'main' });
    expect(pull?.labels).toEqual(['compliance', 'terrafix', 'severity:high', 'team:platform']);
    expect(world.fake.calls.some((c) => c.method === 'GET' && c.path === '/repos/octo/infra')).toBe(true);
  });

  it('works against a GitHub Enterprise style base URL (/api/v3)', async () => {
    const pr = await world.publisher({ apiUrl: `${world.fake.url}/api/v3` }).publish(draft(), CTX);
    expect(pr.reused).toBe(false);
    expect(world.fake.calls.every((c) => c.rawUrl.startsWith('/api/v3/'))).toBe(true);
  });

  it('refuses a draft path outside the Terraform root before any write', async () => {
    const error = await rejection(
      world.publisher().publish(draft({ changes: [{ path: '../main.tf', content: 'x' }] }), CTX),
    );
    expect(error).toMatchObject({ code: 'TFX_INVALID_INPUT' });
    expect(await rejection(world.publisher().publish(draft({ changes: [] }), CTX))).toMatchObject({
      code: 'TFX_INVALID_INPUT',
      field: 'changes',
    });
    expect(world.fake.calls.filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('a label failure does not fail the published PR; it is reported', async () => {
    world.fake.inject({
      method: 'POST',
      path: /\/issues\/\d+\/labels$/,
      times: 5,
      reply: { kind: 'status', status: 500 },
    });
    const pr = await world.publisher().publish(draft(), CTX);
    expect(pr.reused).toBe(false);
    expect(world.labelErrors).toHaveLength(1);
    expect(world.labelErrors[0]).toMatchObject({ category: 'transient' });
  });

  describe('rate limits (throttling plugin) and retries (retry plugin)', () => {
    it('survives a secondary rate limit, waiting the server’s retry-after, with the retry visible', async () => {
      world.fake.inject({
        method: 'POST',
        path: '/pulls',
        reply: { kind: 'secondary-rate-limit', retryAfterSeconds: 7 },
      });
      const pr = await world.publisher().publish(draft(), CTX);
      expect(pr.reused).toBe(false);
      expect(world.rateLimits).toEqual([
        expect.objectContaining({
          limit: 'secondary',
          waitMs: 7000,
          retryCount: 0,
          willRetry: true,
          method: 'POST',
        }),
      ]);
      const creates = writes('/pulls');
      expect(creates.map((c) => [c.status, c.fault])).toEqual([
        [403, 'secondary-rate-limit'],
        [201, undefined],
      ]);
      expect(world.fake.pulls('octo', 'infra')).toHaveLength(1);
    });

    it('survives a primary rate limit (x-ratelimit-remaining: 0) until the reset', async () => {
      world.fake.inject({
        method: 'GET',
        path: '/pulls',
        reply: { kind: 'primary-rate-limit', status: 429, resetInSeconds: 2 },
      });
      await world.publisher().publish(draft(), CTX);
      expect(world.rateLimits).toHaveLength(1);
      expect(world.rateLimits[0]).toMatchObject({ limit: 'primary', willRetry: true });
      expect(world.rateLimits[0]?.waitMs).toBeGreaterThanOrEqual(2000);
    });

    it('a rate limit outlasting the bound surfaces as TFX_THROTTLED carrying the server’s wait', async () => {
      world.fake.inject({
        method: 'POST',
        path: '/git/trees',
        times: 3,
        reply: { kind: 'secondary-rate-limit', retryAfterSeconds: 2 },
      });
      const error = await rejection(world.publisher().publish(draft(), CTX));
      expect(error).toMatchObject({ code: 'TFX_THROTTLED', category: 'throttled', retryAfterMs: 2000 });
      expect(world.rateLimits.map((e) => e.willRetry)).toEqual([true, true, false]);
      expect(writes('/git/trees')).toHaveLength(3);
    });

    it('a wait longer than maxWaitMs is not sat out by the client', async () => {
      world.fake.inject({
        method: 'POST',
        path: '/git/trees',
        reply: { kind: 'secondary-rate-limit', retryAfterSeconds: 3600 },
      });
      const error = await rejection(world.publisher().publish(draft(), CTX));
      expect(error).toMatchObject({ category: 'throttled', retryAfterMs: 3_600_000 });
      expect(writes('/git/trees')).toHaveLength(1);
    });

    it('a 5xx is retried on that one request (earlier steps are not redone)', async () => {
      world.fake.inject({ method: 'POST', path: '/git/commits', reply: { kind: 'status', status: 502 } });
      await world.publisher().publish(draft(), CTX);
      expect(writes('/git/commits').map((c) => c.status)).toEqual([502, 201]);
      expect(writes('/git/trees')).toHaveLength(1);
      expect(world.rateLimits).toEqual([]);
    });

    it('5xx beyond the retry budget is transient', async () => {
      world.fake.inject({
        method: 'POST',
        path: '/git/commits',
        times: 10,
        reply: { kind: 'status', status: 503 },
      });
      const error = await rejection(world.publisher({ requestRetries: 2 }).publish(draft(), CTX));
      expect(error).toMatchObject({ code: 'TFX_TRANSIENT', category: 'transient' });
      expect(writes('/git/commits')).toHaveLength(3);
    });

    it('a dropped connection and an unreachable server are transient', async () => {
      world.fake.inject({ path: '/pulls', times: 10, reply: { kind: 'reset' } });
      expect(await rejection(world.publisher().publish(draft(), CTX))).toMatchObject({
        category: 'transient',
      });
      const url = world.fake.url;
      await world.fake.close();
      expect(await rejection(world.publisher({ apiUrl: url }).publish(draft(), CTX))).toMatchObject({
        code: 'TFX_TRANSIENT',
        category: 'transient',
      });
    });

    it('the throttling plugin spaces writes by the configured interval', async () => {
      await world
        .publisher({
          throttle: {
            enabled: true,
            writeIntervalMs: 150,
            pullRequestIntervalMs: 0,
            rateLimitRetries: 2,
            maxWaitMs: 60_000,
          },
        })
        .publish(draft(), CTX);
      const times = world.fake.calls.filter((c) => c.method !== 'GET').map((c) => c.at);
      expect(times.length).toBeGreaterThanOrEqual(5);
      // The limiter spaces the starts of writes; arrival jitter can shorten one gap, never the whole span.
      const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
      expect(span).toBeGreaterThanOrEqual((times.length - 1) * 150 - 25);
    });
  });

  describe('translates errors', () => {
    it('401 is a permanent configuration error naming GITHUB_TOKEN, never its value', async () => {
      const error = await rejection(
        world.publisher({ token: 'tfxcanary-bad-1234567890' }).publish(draft(), CTX),
      );
      expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('GITHUB_TOKEN');
      expect(error.message).not.toContain('tfxcanary');
      expect(world.fake.calls).toHaveLength(1);
    });

    it('403 without a rate limit (read-only token) is a configuration error', async () => {
      const error = await rejection(world.publisher({ token: READ_TOKEN }).publish(draft(), CTX));
      expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
      expect(error.message).toMatch(/GITHUB_TOKEN may not commit the fix/);
      expect(error.message).not.toContain(READ_TOKEN);
      expect(world.rateLimits).toEqual([]);
    });

    it('a missing repository is permanent', async () => {
      const error = await rejection(
        world.publisher().publish(draft({ repo: { owner: 'octo', name: 'gone', baseBranch: 'main' } }), CTX),
      );
      expect(error).toMatchObject({ code: 'TFX_PERMANENT', category: 'permanent' });
      expect(error).toBeInstanceOf(TerraFixError);
    });

    it('a missing base branch is permanent', async () => {
      const error = await rejection(
        world.publisher().publish(draft({ repo: { owner: 'octo', name: 'infra', baseBranch: 'nope' } }), CTX),
      );
      expect(error).toMatchObject({ code: 'TFX_PERMANENT', category: 'permanent' });
    });
  });
});
