// The simulated Vanta, git, Bedrock and GitHub of mock mode: deterministic, bounded, and able to fail.
import { describe, expect, it } from 'vitest';
import { SimulatedCheckout } from '../../src/simulation/adapters/checkout.js';
import { SimulatedFailureSource } from '../../src/simulation/adapters/failure-source.js';
import { SimulatedFixGenerator } from '../../src/simulation/adapters/fix-generator.js';
import { MemoryWorkspace } from '../../src/simulation/adapters/memory-workspace.js';
import { SimulatedPublisher } from '../../src/simulation/adapters/publisher.js';
import { SimulatedRepoResolver } from '../../src/simulation/adapters/repo-resolver.js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { type Failure, failureKey, failureSchema, type FailureInput } from '../../src/pipeline/failure.js';
import type { PullRequestDraft, RepoRef } from '../../src/pipeline/ports.js';
import { syntheticRepository } from '../../src/simulation/synth/repository.js';
import { makeFailure } from '../../src/simulation/synth/templates.js';

const REPO: RepoRef = { owner: 'mock-org', name: 'terraform-small', baseBranch: 'main' };
const small = syntheticRepository('small');
const role = small.targets.find((t) => t.cfnType === 'AWS::IAM::Role');
if (role === undefined) throw new Error('no IAM role in the small repository');

function roleFailure(patch: Partial<FailureInput> = {}): Failure {
  return failureSchema.parse({
    ...makeFailure({
      template: 'iam-session-duration',
      target: role as NonNullable<typeof role>,
      uniqueId: 'adapt001',
      size: 'small',
      failedAt: '2026-01-01T00:00:00Z',
    }),
    ...patch,
  });
}

function draft(branch: string, repo: RepoRef = REPO): PullRequestDraft {
  return {
    repo,
    branch,
    title: 't',
    body: 'b',
    commitMessage: 'c',
    changes: [{ path: 'main.tf', content: 'x' }],
    labels: [],
  };
}

const ctx = (key: string, attempt = 1) => ({ key, attempt });

describe('SimulatedPublisher', () => {
  it('opens one PR per branch with a number from the key, and reuses it on replay', async () => {
    const publisher = new SimulatedPublisher();
    const key = 'abcdef12'.repeat(8);
    const first = await publisher.publish(draft('terrafix/a-abcdef12abcd'), ctx(key));
    const number = (0xabcdef12 % 999_999) + 1;
    expect(first).toEqual({
      url: `https://github.com/mock-org/terraform-small/pull/${number}`,
      number,
      reused: false,
    });
    const again = await publisher.publish(draft('terrafix/a-abcdef12abcd'), ctx(key, 2));
    expect(again).toEqual({ ...first, reused: true });
    expect(publisher.counts()).toEqual({ created: 1, reused: 1 });
    expect(publisher.calls().map((c) => [c.branch, c.reused, c.files])).toEqual([
      ['terrafix/a-abcdef12abcd', false, ['main.tf']],
      ['terrafix/a-abcdef12abcd', true, ['main.tf']],
    ]);
    // The same branch name in another repository is another PR.
    const other = await publisher.publish(
      draft('terrafix/a-abcdef12abcd', { ...REPO, name: 'other' }),
      ctx(key),
    );
    expect(other.reused).toBe(false);
  });

  it('keeps its call log and branch index bounded', async () => {
    const publisher = new SimulatedPublisher({ logLimit: 3, branchLimit: 2 });
    for (let i = 0; i < 10; i++) await publisher.publish(draft(`b${i}`), ctx(`${i}`.padStart(64, '0')));
    expect(publisher.calls().map((c) => c.branch)).toEqual(['b7', 'b8', 'b9']);
    // b0 was evicted from the branch index, so publishing it again opens a new PR.
    expect((await publisher.publish(draft('b0'), ctx('0'.repeat(64)))).reused).toBe(false);
    expect((await publisher.publish(draft('b0'), ctx('0'.repeat(64)))).reused).toBe(true);
  });

  it('resetCounts keeps open PRs; clear forgets them', async () => {
    const publisher = new SimulatedPublisher();
    await publisher.publish(draft('b'), ctx('1'.repeat(64)));
    publisher.resetCounts();
    expect(publisher.calls()).toEqual([]);
    expect((await publisher.publish(draft('b'), ctx('1'.repeat(64)))).reused).toBe(true);
    publisher.clear();
    expect(publisher.counts()).toEqual({ created: 0, reused: 0 });
    expect((await publisher.publish(draft('b'), ctx('1'.repeat(64)))).reused).toBe(false);
  });
});

describe('SimulatedCheckout', () => {
  const checkout = new SimulatedCheckout();

  it('checks out the synthetic repository of the size, at its revision', async () => {
    const failure = roleFailure();
    const ws = await checkout.checkout({ repo: REPO, sizeHint: 'small', failure }, ctx(failureKey(failure)));
    expect(ws.revision).toBe(small.revision);
    expect(await ws.terraformFiles()).toBe(small.files);
  });

  it('adds a declaration for a resource the repository lacks, under a revision of its own', async () => {
    const failure = roleFailure({
      resource_arn: 'arn:aws:iam::123456789012:role/hand-made',
      resource_details: {},
    });
    const request = { repo: REPO, sizeHint: 'small' as const, failure };
    const ws = await checkout.checkout(request, ctx(failureKey(failure)));
    const files = await ws.terraformFiles();
    expect(ws.revision).not.toBe(small.revision);
    expect(ws.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(files.size).toBe(small.files.size + 1);
    expect(files.get('imported/aws_iam_role_hand_made.tf')).toContain(
      'resource "aws_iam_role" "hand_made" {',
    );
    // Deterministic: the same failure gives the same revision in any process.
    expect((await checkout.checkout(request, ctx(failureKey(failure), 2))).revision).toBe(ws.revision);
  });
});

describe('MemoryWorkspace', () => {
  it('copies on write, leaves the shared base alone, and refuses use after dispose', async () => {
    const base = new Map([
      ['main.tf', 'a'],
      ['b.tf', 'b'],
    ]);
    const ws = new MemoryWorkspace(REPO, 'rev', base);
    expect(await ws.terraformFiles()).toBe(base);
    await ws.writeFile('main.tf', 'A');
    expect([...(await ws.terraformFiles())]).toEqual([
      ['main.tf', 'A'],
      ['b.tf', 'b'],
    ]);
    expect(base.get('main.tf')).toBe('a');
    await ws.dispose();
    await ws.dispose(); // idempotent
    expect(() => ws.terraformFiles()).toThrow('workspace used after dispose');
  });
});

describe('SimulatedFixGenerator', () => {
  const generator = new SimulatedFixGenerator();

  it('answers with the fixed file, the changed attributes and plausible token counts', async () => {
    const failure = roleFailure();
    const content = small.files.get(role.path) ?? '';
    const address = role.address.split('.').slice(-2).join('.');
    const fix = await generator.generate(
      { failure, path: role.path, content, address, block: '' },
      ctx(failureKey(failure)),
    );
    expect(fix.changedAttributes).toEqual(['max_session_duration']);
    expect(fix.fixedContent).not.toBe(content);
    expect(fix.fixedContent).toMatch(/max_session_duration\s*=\s*3600/);
    expect(fix.confidence).toBe('high');
    expect(fix.usage.inputTokens).toBeGreaterThan(1_450 + content.length / 4);
    expect(fix.usage.outputTokens).toBeGreaterThan(fix.fixedContent.length / 4);
  });

  it('fails permanently with TFX_FIX_EMPTY when required_state changes nothing', async () => {
    const failure = roleFailure({ required_state: {} });
    const content = small.files.get(role.path) ?? '';
    const address = role.address.split('.').slice(-2).join('.');
    const error = await generator
      .generate({ failure, path: role.path, content, address, block: '' }, ctx('k'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_FIX_EMPTY', category: 'permanent' });
  });
});

describe('SimulatedFailureSource and SimulatedRepoResolver', () => {
  it('confirm every failure and map each size to its own repository', async () => {
    await expect(new SimulatedFailureSource().confirm()).resolves.toEqual({ stillFailing: true });
    const resolver = new SimulatedRepoResolver();
    expect(resolver.resolve(roleFailure())).toEqual({
      owner: 'mock-org',
      name: 'terraform-small',
      baseBranch: 'main',
    });
    expect(resolver.resolve(roleFailure({ resource_details: {} }))).toMatchObject({
      name: 'terraform-medium',
    });
    expect(resolver.resolve(roleFailure())).toBe(resolver.resolve(roleFailure())); // one ref per size
  });
});
