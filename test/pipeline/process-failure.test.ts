// Outcomes and recorded state of the real pipeline over simulated services (createMockPipeline, latency 0).
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedComposition } from '../../src/composition/simulated.js';
import { type Failure, failureKey, failureSchema, type FailureInput } from '../../src/pipeline/failure.js';
import type { FixProposal } from '../../src/pipeline/ports.js';
import { branchName, buildDraft } from '../../src/pipeline/pull-request.js';
import { retryPolicySchema } from '../../src/pipeline/retry.js';
import { STAGES, type TimedStage, TOTAL_STAGE } from '../../src/pipeline/stages.js';
import { syntheticRepository } from '../../src/simulation/synth/repository.js';
import { makeFailure } from '../../src/simulation/synth/templates.js';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  keysWithPrefix,
  randomKeyPrefix,
  REDIS_URL,
} from '../support/redis.js';
import { testPipeline } from '../support/simulated-pipeline.js';

const open: SimulatedComposition[] = [];

/** A mock pipeline closed after the test. */
function pipeline(...args: Parameters<typeof testPipeline>): SimulatedComposition {
  const mock = testPipeline(...args);
  open.push(mock);
  return mock;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

const small = syntheticRepository('small');
const bucket = small.targets.find((t) => t.cfnType === 'AWS::S3::Bucket');
if (bucket === undefined) throw new Error('the small repository has no bucket target');

/** A versioning failure on the small repository's first bucket; `id` keeps keys apart between tests. */
function s3Failure(id: string, patch: Partial<FailureInput> = {}): Failure {
  return failureSchema.parse({
    ...makeFailure({
      template: 's3-versioning-enabled',
      // Narrowed above; TypeScript does not carry it into the closure.
      target: bucket as NonNullable<typeof bucket>,
      uniqueId: id,
      size: 'small',
      failedAt: '2026-01-01T00:00:00Z',
      severity: 'high',
    }),
    ...patch,
  });
}

/** A Sleep that returns at once and records what it was asked to wait. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: (ms) => (waits.push(ms), Promise.resolve()) };
}

describe('completed', () => {
  it('runs every stage, records the PR and derives a stable URL from the key', async () => {
    const mock = pipeline();
    const failure = s3Failure('done0001');
    const result = await mock.pipeline.process(failure, { keepDiff: true });
    const key = failureKey(failure);
    expect(result.key).toBe(key);
    expect(result.outcome).toMatchObject({ kind: 'completed', reused: false });
    if (result.outcome.kind !== 'completed') return;
    const timed: TimedStage[] = [...STAGES, TOTAL_STAGE];
    for (const stage of timed) expect(result.timings[stage], stage).toBeGreaterThanOrEqual(0);
    expect(Object.keys(result.timings).sort()).toEqual(timed.sort());
    expect(result.retries).toEqual({});
    expect(result.outcome.changedAttributes).toEqual(['versioning']);
    expect(result.outcome.validation).toMatch(/^HCL checks passed \(\d+\); terraform validate off/);
    // A playbook wrote the fix: no model call, so no token usage.
    expect(result.outcome.fix).toEqual({ source: 'playbook', playbook: 's3-versioning' });
    expect(result.usage).toBeUndefined();
    const number = (Number.parseInt(key.slice(0, 8), 16) % 999_999) + 1;
    expect(result.outcome.prUrl).toBe(`https://github.com/mock-org/terraform-small/pull/${number}`);
    expect(result.outcome.prNumber).toBe(number);

    expect(await mock.state.get(key)).toMatchObject({
      status: 'completed',
      pr_url: result.outcome.prUrl,
      attempts: 1,
      test_id: failure.test_id,
      resource_arn: failure.resource_arn,
    });
    expect(mock.publisher.calls()).toEqual([
      expect.objectContaining({
        key,
        repo: 'mock-org/terraform-small',
        files: [bucket?.path],
        reused: false,
      }),
    ]);

    // Another process (a fresh pipeline with fresh state) arrives at the same URL.
    const again = await pipeline().pipeline.process(failure);
    expect(again.outcome).toMatchObject({ kind: 'completed', prUrl: result.outcome.prUrl });
  });

  it('declares a resource the synthetic repository lacks under imported/ and fixes it', async () => {
    const mock = pipeline();
    const failure = s3Failure('own00001', {
      resource_arn: 'arn:aws:s3:::my-own-bucket',
      resource_details: { repo_size: 'small' },
    });
    const result = await mock.pipeline.process(failure, { keepDiff: true });
    expect(result.outcome).toMatchObject({ kind: 'completed' });
    const path = 'imported/aws_s3_bucket_my_own_bucket.tf';
    expect(result.diff?.startsWith(`--- a/${path}\n+++ b/${path}\n`)).toBe(true);
    expect(mock.publisher.calls()[0]?.files).toEqual([path]);
  });
});

describe('duplicates', () => {
  it('skips the second processing of a completed failure', async () => {
    const mock = pipeline();
    const failure = s3Failure('dup00001');
    expect((await mock.pipeline.process(failure)).outcome.kind).toBe('completed');
    const second = await mock.pipeline.process(failure);
    expect(second.outcome).toEqual({ kind: 'skipped_duplicate', status: 'completed', reason: 'completed' });
    // Skipped before any stage ran, and nothing was published twice.
    expect(Object.keys(second.timings)).toEqual([TOTAL_STAGE]);
    expect(mock.publisher.counts()).toEqual({ created: 1, reused: 0 });
  });

  describe('with the Redis state store', () => {
    const prefix = randomKeyPrefix();
    let admin: Redis;

    beforeAll(async () => {
      admin = await connectTestRedis();
    });
    afterAll(async () => {
      await deleteKeysWithPrefix(admin, prefix);
      await admin.quit();
    });

    it('skips the duplicate across two pipelines sharing Redis, and the record lives under the prefix', async () => {
      const failure = s3Failure('dupredis');
      const first = pipeline({ redisUrl: REDIS_URL, redisKeyPrefix: prefix });
      expect(first.stateBackend).toBe('redis');
      const done = await first.pipeline.process(failure);
      expect(done.outcome.kind).toBe('completed');
      const second = pipeline({ redisUrl: REDIS_URL, redisKeyPrefix: prefix });
      expect((await second.pipeline.process(failure)).outcome).toEqual({
        kind: 'skipped_duplicate',
        status: 'completed',
        reason: 'completed',
      });
      expect(await keysWithPrefix(admin, prefix)).toEqual([`${prefix}failure:${failureKey(failure)}`]);
      expect(await second.state.get(done.key)).toMatchObject({ status: 'completed', attempts: 1 });
    });
  });
});

describe('failed', () => {
  it('records an unknown CloudFormation type as a permanent TFX_RESOURCE_NOT_FOUND and skips later attempts', async () => {
    const mock = pipeline();
    const failure = s3Failure('foo00001', { resource_type: 'AWS::Foo::Bar' });
    const result = await mock.pipeline.process(failure);
    expect(result.outcome).toMatchObject({
      kind: 'failed',
      code: 'TFX_RESOURCE_NOT_FOUND',
      category: 'permanent',
      stage: 'parse_terraform',
    });
    expect(await mock.state.get(result.key)).toMatchObject({
      status: 'failed',
      error_code: 'TFX_RESOURCE_NOT_FOUND',
      retryable: false,
    });
    for (let i = 0; i < 2; i++) {
      expect((await mock.pipeline.process(failure)).outcome).toEqual({
        kind: 'skipped_duplicate',
        status: 'failed',
        reason: 'failed_permanently',
      });
    }
    expect(mock.publisher.calls()).toEqual([]);
  });

  it('fails at bedrock_inference on an injected permanent fault, without retrying', async () => {
    const mock = pipeline();
    mock.injector.configure({ seed: 1, stages: { bedrock_inference: { permanent: 1 } } });
    const result = await mock.pipeline.process(s3Failure('perm0001'));
    expect(result.outcome).toMatchObject({
      kind: 'failed',
      code: 'TFX_PERMANENT',
      category: 'permanent',
      stage: 'bedrock_inference',
    });
    expect(result.retries).toEqual({});
    expect(mock.injector.counters().bedrock_inference.permanent).toBe(1);
    expect(result.timings.validate_fix).toBeUndefined();
    expect(await mock.state.get(result.key)).toMatchObject({
      status: 'failed',
      error_code: 'TFX_PERMANENT',
      retryable: false,
    });
  });

  it('gives up on transient clone faults after maxAttempts, and a later run completes', async () => {
    const { waits, sleep } = recordingSleep();
    const mock = pipeline({ sleep });
    mock.retry.set(retryPolicySchema.parse({ maxAttempts: 3 }));
    mock.injector.configure({ seed: 1, stages: { clone_repo: { transient: 1 } } });
    const failure = s3Failure('flaky001');
    const result = await mock.pipeline.process(failure);
    expect(result.outcome).toMatchObject({
      kind: 'failed',
      code: 'TFX_TRANSIENT',
      category: 'transient',
      stage: 'clone_repo',
    });
    expect(result.retries).toEqual({ clone_repo: 3 });
    expect(mock.injector.counters().clone_repo.transient).toBe(3);
    expect(waits).toHaveLength(2); // backoff between attempts 1→2 and 2→3
    expect(await mock.state.get(result.key)).toMatchObject({
      status: 'failed',
      error_code: 'TFX_TRANSIENT',
      retryable: true,
      attempts: 1,
    });

    mock.injector.configure({ seed: 1 });
    const later = await mock.pipeline.process(failure);
    expect(later.outcome).toMatchObject({ kind: 'completed' });
    expect(await mock.state.get(result.key)).toMatchObject({ status: 'completed', attempts: 2 });
  });
});

describe('throttling', () => {
  it('waits the Retry-After of an injected throttle, then publishes', async () => {
    const failure = s3Failure('throttle');
    const key = failureKey(failure);
    const { waits, sleep } = recordingSleep();
    const mock = pipeline({ sleep });
    // Find a seed whose plan throttles the first create_pr attempt and lets the second through.
    const profile = { throttle: 0.5, throttleRetryAfterMs: 750 };
    let seed = 0;
    for (; seed < 1000; seed++) {
      mock.injector.configure({ seed, stages: { create_pr: profile } });
      const [first, second] = [1, 2].map((a) => mock.injector.plan('create_pr', key, a).fault);
      if (first === 'throttle' && second === undefined) break;
    }
    expect(seed).toBeLessThan(1000);
    const result = await mock.pipeline.process(failure);
    expect(result.outcome).toMatchObject({ kind: 'completed' });
    expect(result.retries).toEqual({ create_pr: 2 });
    // Backoff for attempt 1 is at most baseDelayMs (100), so the wait is exactly the server's Retry-After.
    expect(waits).toEqual([750]);
    expect(mock.injector.counters().create_pr.throttle).toBe(1);
  });

  it('does not wait out a Retry-After longer than the policy allows', async () => {
    const { waits, sleep } = recordingSleep();
    const mock = pipeline({ sleep });
    mock.retry.set(retryPolicySchema.parse({ maxRetryAfterMs: 1000 }));
    mock.injector.configure({ seed: 1, stages: { create_pr: { throttle: 1, throttleRetryAfterMs: 5000 } } });
    const result = await mock.pipeline.process(s3Failure('throttl2'));
    expect(result.outcome).toMatchObject({ kind: 'failed', code: 'TFX_THROTTLED', stage: 'create_pr' });
    expect(waits).toEqual([]);
    expect(await mock.state.get(result.key)).toMatchObject({ status: 'failed', retryable: true });
  });
});

describe('pull request draft', () => {
  const token = `ghp_${'aB3'.repeat(12)}`;
  const fix: FixProposal = {
    fixedContent: 'resource "aws_s3_bucket" "b" {}\n',
    explanation: 'Enables versioning.',
    changedAttributes: ['versioning'],
    reasoning: 'Required by the control.',
    confidence: 'medium',
    breakingChanges: 'None identified',
    additionalRequirements: 'None',
    usage: { inputTokens: 1, outputTokens: 1 },
  };
  const repo = { owner: 'o', name: 'r', baseBranch: 'main' };

  it('is published with a key-derived branch and a redacted body', async () => {
    const mock = pipeline();
    const failure = s3Failure('draft001', { failure_reason: `leaked ${token} in the report` });
    const result = await mock.pipeline.process(failure);
    expect(result.outcome.kind).toBe('completed');
    const [call] = mock.publisher.calls();
    expect(call?.branch).toMatch(/^terrafix\/[a-z0-9-]+-[0-9a-f]{12}$/);
    expect(call?.branch).toBe(`terrafix/s3-bucket-versioning-${result.key.slice(0, 12)}`);
    expect(call?.title).toBe('🔴 [TerraFix] S3 Bucket Versioning');

    const draft = buildDraft(failure, result.key, repo, 'main.tf', fix, 'HCL checks passed (4)');
    expect(draft.body).not.toContain(token);
    expect(draft.body).toContain('**Failure Reason**: leaked [REDACTED] in the report');
    for (const heading of [
      '## 🤖 Automated Compliance Remediation',
      '### 📋 Compliance Failure Details',
      '### 🔧 Changes Made',
      '### 📝 Explanation',
      '### 🧠 Reasoning',
      '### ⚠️ Review Checklist',
      '### 🔄 Breaking Changes',
      '### 📌 Additional Requirements',
      '### 🤝 Review Confidence',
      '<details><summary>View Current vs Required State</summary>',
    ]) {
      expect(draft.body).toContain(heading);
    }
    expect(draft.body).toContain('- Changed Attributes: `versioning`');
    expect(draft.body).toContain('- Validation: HCL checks passed (4)');
    expect(draft.body).toContain('AI Confidence: **MEDIUM**');
    expect(draft.body).toContain('| Severity | HIGH |');
    expect(draft.body).toContain(`| Resource | \`${failure.resource_arn}\` |`);
    expect(draft.body.match(/- \[ \] /g)).toHaveLength(6);
    expect(draft.labels).toEqual(['compliance', 'automated', 'terrafix', 'severity:high', 'framework:soc2']);
    expect(draft.changes).toEqual([{ path: 'main.tf', content: fix.fixedContent }]);
    expect(draft.commitMessage.split('\n')[0]).toBe('fix(compliance): S3 Bucket Versioning');
  });

  it('picks the title emoji by severity (the guide gives critical no colour of its own)', () => {
    const emoji = (severity: Failure['severity']): string | undefined =>
      buildDraft(s3Failure('emoji001', { severity }), 'k'.repeat(64), repo, 'main.tf', fix, 'ok').title.split(
        ' ',
      )[0];
    expect(emoji('high')).toBe('🔴');
    expect(emoji('medium')).toBe('🟡');
    expect(emoji('low')).toBe('🟢');
    expect(emoji('critical')).toBe('⚪');
    expect(emoji('informational')).toBe('⚪');
  });

  it('cuts long states and falls back to a `fix` slug when the test name has no usable characters', () => {
    const big = { blob: 'x'.repeat(5000) };
    const failure = s3Failure('state001', { current_state: big, test_name: '!!!' });
    const draft = buildDraft(failure, 'abcdef0123456789'.repeat(4), repo, 'main.tf', fix, 'ok');
    expect(draft.body).toContain('... [truncated]');
    expect(draft.body.length).toBeLessThan(5000);
    expect(branchName(failure, 'abcdef0123456789'.repeat(4))).toBe('terrafix/fix-abcdef012345');
  });
});
