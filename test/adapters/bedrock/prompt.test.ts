// What the model is shown: the failure, the target block and the blocks related to it, within the token budget,
// and never the rest of the file or the repository. Checked on the wire (the fake's call log) and by size on the
// synthetic repositories.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrompt, estimateTokens } from '../../../src/adapters/bedrock/prompt.js';
import { createHclAnalyzer } from '../../../src/hcl/analyzer.js';
import { createHclParser, type HclParser } from '../../../src/hcl/parser.js';
import { TerraformGate } from '../../../src/hcl/terraform-gate.js';
import { failureSchema, REPO_SIZES, type RepoSize } from '../../../src/pipeline/failure.js';
import type { FixRequest } from '../../../src/pipeline/ports.js';
import { syntheticRepository } from '../../../src/simulation/synth/repository.js';
import { makeFailure, templatesFor } from '../../../src/simulation/synth/templates.js';
import { fix } from '../../fakes/bedrock/replies.js';
import { type FakeBedrock, startFakeBedrock, userPromptOf } from '../../fakes/bedrock/server.js';
import { rejection } from '../../support/rejection.js';
import { adapterOn, bucketRequest, versioningFix } from './support.js';

let parser: HclParser;
let fake: FakeBedrock;
let bucket: FixRequest;
const ctx = { key: 'p'.repeat(64), attempt: 1 };

beforeAll(async () => {
  parser = createHclParser({ workers: 2, cacheEntries: 1_000, cacheEnabled: true });
  fake = await startFakeBedrock();
  bucket = await bucketRequest(parser);
});
afterAll(async () => {
  await fake.close();
  await parser.close();
});

/** The user prompt the fake received for one generate() of `request`. */
async function promptOnTheWire(request: FixRequest, env: Record<string, string> = {}): Promise<string> {
  fake.reset();
  fake.script(fix({ replacement: request.block, new_blocks: ['resource "x" "y" {}'] }));
  const adapter = adapterOn(fake, env);
  try {
    await adapter.generator.generate(request, ctx);
  } finally {
    adapter.close();
  }
  const [call] = fake.calls;
  if (call === undefined) throw new Error('no call reached the fake');
  return userPromptOf(call);
}

describe('the prompt on the wire', () => {
  it('holds the failure, the target block and the blocks it names or that name it', async () => {
    const prompt = await promptOnTheWire(bucket);
    expect(prompt).toContain('Test: s3-bucket-versioning-enabled (S3 buckets have versioning enabled)');
    expect(prompt).toContain('Why it fails: Versioning is not enabled on the bucket');
    expect(prompt).toContain('"versioning": "Enabled"');
    expect(prompt).toContain(
      `## Target block: aws_s3_bucket.logs in main.tf\n\`\`\`hcl\n${bucket.block}\n\`\`\``,
    );
    for (const address of [
      'local.common_tags',
      'data.aws_caller_identity.current',
      'data.aws_kms_key.logs',
      'aws_iam_role.log_writer',
      'aws_s3_bucket_policy.logs',
    ]) {
      expect(prompt).toContain(`### ${address} (main.tf; `);
    }
    expect(prompt).toContain('### aws_s3_bucket_policy.logs (main.tf; refers to the target)');
  });

  it('leaves out the blocks the target has nothing to do with, and the rest of the file', async () => {
    const prompt = await promptOnTheWire(bucket);
    for (const marker of [
      'UNRELATED-ROLE-MARKER',
      'UNRELATED-LOCAL-MARKER',
      'UNRELATED-VARIABLE-MARKER',
      'MODULE-VARIABLE-MARKER',
      'MODULE-REFERRER-MARKER',
      'module "archive"',
      '# Logging account',
    ]) {
      expect(prompt).not.toContain(marker);
    }
  });

  it('is the same prompt when the target file grows by a thousand unrelated blocks', async () => {
    const padding = Array.from(
      { length: 1_000 },
      (_, i) => `resource "aws_sqs_queue" "q${i}" {\n  name = "queue-${i}"\n}\n`,
    ).join('\n');
    const grown: FixRequest = { ...bucket, content: `${bucket.content}\n${padding}` };
    expect(grown.content.length).toBeGreaterThan(40 * bucket.content.length);
    expect(await promptOnTheWire(grown)).toBe(await promptOnTheWire(bucket));
  });
});

describe('the token budget', () => {
  /** Tokens of the prompt without related blocks: system, failure and target. */
  const headTokens = (request: FixRequest) => buildPrompt({ ...request, related: [] }, 1e9).estimatedTokens;

  it('keeps everything when it fits', () => {
    const prompt = buildPrompt(bucket, 8_000);
    expect(prompt.dropped).toEqual([]);
    expect(prompt.included).toHaveLength(5);
    expect(prompt.estimatedTokens).toBeLessThanOrEqual(8_000);
  });

  it('adds related blocks by relevance while they fit: variables and locals, referrers, data, named resources', () => {
    const order = [
      'local.common_tags',
      'aws_s3_bucket_policy.logs',
      'data.aws_caller_identity.current',
      'data.aws_kms_key.logs',
      'aws_iam_role.log_writer',
    ];
    const full = buildPrompt(bucket, 1e9);
    expect(full.included).toEqual(order);
    // One token short: the least relevant block goes.
    expect(buildPrompt(bucket, full.estimatedTokens - 1).dropped).toEqual(['aws_iam_role.log_writer']);
    // Room for the most relevant block only.
    const withLocal = buildPrompt({ ...bucket, related: bucket.related?.slice(0, 1) }, 1e9).estimatedTokens;
    const localOnly = buildPrompt(bucket, withLocal + 1);
    expect(localOnly.included).toEqual(['local.common_tags']);
    // Tighter budgets keep a prefix of the order, and never exceed the budget.
    let previous = order.length;
    for (let budget = full.estimatedTokens; budget >= headTokens(bucket); budget -= 10) {
      const prompt = buildPrompt(bucket, budget);
      expect(prompt.estimatedTokens, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expect(prompt.included.length).toBeLessThanOrEqual(previous);
      previous = prompt.included.length;
    }
    expect(previous).toBe(0);
  });

  it('fails as permanent, naming BEDROCK_PROMPT_TOKEN_BUDGET, when the target alone does not fit', async () => {
    const huge = `${bucket.block.slice(0, -1)}${'  # padding padding padding padding\n'.repeat(1_500)}}`;
    const request: FixRequest = {
      ...bucket,
      block: huge,
      content: bucket.content.replace(bucket.block, huge),
    };
    const adapter = adapterOn(fake, { BEDROCK_PROMPT_TOKEN_BUDGET: '8000' });
    fake.reset();
    try {
      const error = await rejection(adapter.generator.generate(request, ctx));
      expect(error).toMatchObject({
        code: 'TFX_PERMANENT',
        category: 'permanent',
        field: 'BEDROCK_PROMPT_TOKEN_BUDGET',
      });
      expect(fake.calls).toHaveLength(0);
    } finally {
      adapter.close();
    }
  });
});

describe('prompt size by synthetic repository size', () => {
  /** Prompt tokens of every target of a repository (first applicable template), and the size of its files. */
  async function measure(size: RepoSize) {
    const repo = syntheticRepository(size);
    const analyzer = createHclAnalyzer({ parser, terraform: new TerraformGate('off', undefined) });
    const tree = { revision: repo.revision, files: repo.files };
    const prompts: number[] = [];
    const files: number[] = [];
    for (const [n, target] of repo.targets.entries()) {
      const template = templatesFor(target.cfnType)[0];
      if (template === undefined) continue;
      const failure = failureSchema.parse(
        makeFailure({
          template: template.name,
          target,
          uniqueId: `pt${n}`,
          size,
          failedAt: '2026-01-01T00:00:00Z',
        }),
      );
      const located = await analyzer.locate(tree, failure);
      const content = repo.files.get(located.path) ?? '';
      const request: FixRequest = {
        failure,
        path: located.path,
        content,
        address: located.address,
        block: located.block,
        related: located.related,
      };
      prompts.push(buildPrompt(request, 8_000).estimatedTokens);
      files.push(estimateTokens(content));
    }
    const repoTokens = estimateTokens([...repo.files.values()].join(''));
    return { prompts, maxPrompt: Math.max(...prompts), maxFile: Math.max(...files), repoTokens };
  }

  it('stays flat from small to large while the files and the repository grow', async () => {
    const bySize = Object.fromEntries(
      await Promise.all(REPO_SIZES.map(async (s) => [s, await measure(s)] as const)),
    );
    const small = bySize.small!;
    const large = bySize.large!;
    // The repository grows ~36x and the largest file ~13x; the largest prompt may not grow by more than 15%.
    expect(large.repoTokens).toBeGreaterThan(30 * small.repoTokens);
    expect(large.maxFile).toBeGreaterThan(10 * small.maxFile);
    expect(large.maxPrompt).toBeLessThanOrEqual(1.15 * small.maxPrompt);
    for (const size of REPO_SIZES) expect(bySize[size]!.maxPrompt).toBeLessThan(2_000);
  });

  it('matches what reaches Bedrock: the fake counts the same tokens for a large-repository target', async () => {
    const repo = syntheticRepository('large');
    const target = repo.targets.find((t) => t.cfnType === 'AWS::S3::Bucket');
    const template = target === undefined ? undefined : templatesFor(target.cfnType)[0];
    if (target === undefined || template === undefined)
      throw new Error('no S3 target in the large repository');
    const failure = failureSchema.parse(
      makeFailure({
        template: template.name,
        target,
        uniqueId: 'ptwire',
        size: 'large',
        failedAt: '2026-01-01T00:00:00Z',
      }),
    );
    const analyzer = createHclAnalyzer({ parser, terraform: new TerraformGate('off', undefined) });
    const located = await analyzer.locate({ revision: repo.revision, files: repo.files }, failure);
    const request: FixRequest = {
      failure,
      path: located.path,
      content: repo.files.get(located.path) ?? '',
      address: located.address,
      block: located.block,
      related: located.related,
    };
    fake.reset();
    fake.script(fix(versioningFix(request)));
    const usage: number[] = [];
    const adapter = adapterOn(fake, {}, { onUsage: (u) => usage.push(u.inputTokens) });
    try {
      await adapter.generator.generate(request, ctx);
    } finally {
      adapter.close();
    }
    const estimated = buildPrompt(request, 8_000).estimatedTokens;
    expect(usage[0]).toBeGreaterThanOrEqual(estimated - 2);
    expect(usage[0]).toBeLessThanOrEqual(estimated + 2);
    expect(usage[0]).toBeLessThan(estimateTokens(request.content) / 4);
  });
});
