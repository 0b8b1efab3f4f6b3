// Playbooks first, the model only when no playbook covers the failure; the proposal says which wrote it.
import { describe, expect, it } from 'vitest';
import { buildDraft } from '../../src/pipeline/pull-request.js';
import type { FixGenerator, FixProposal, FixRequest } from '../../src/pipeline/ports.js';
import { createPlaybookGenerator, playbooksThenModel } from '../../src/playbooks/generator.js';
import { failure } from '../hcl/helpers.js';

const CONTENT = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n';
const ctx = { key: 'k'.repeat(64), attempt: 1 };

function request(required_state: Record<string, unknown>, content = CONTENT): FixRequest {
  return {
    failure: failure({ required_state }),
    path: 'main.tf',
    content,
    address: 'aws_s3_bucket.logs',
    block: content.trim(),
  };
}

/** A scripted model that records its calls. */
function scriptedModel(): FixGenerator & { calls: FixRequest[] } {
  const calls: FixRequest[] = [];
  return {
    calls,
    generate(req) {
      calls.push(req);
      const answer: FixProposal = {
        fixedContent: req.content.replace('}\n', '  acl = "private"\n}\n'),
        explanation: 'model fix',
        changedAttributes: ['acl'],
        reasoning: 'r',
        confidence: 'medium',
        breakingChanges: 'None',
        additionalRequirements: 'None',
        usage: { inputTokens: 900, outputTokens: 80 },
        model: 'us.anthropic.claude-test',
        costUsd: 0.0123,
      };
      return Promise.resolve(answer);
    },
  };
}

/** The PR body the pipeline would publish for `fix`. */
const prBody = (fix: FixProposal): string =>
  buildDraft(
    request({}).failure,
    ctx.key,
    { owner: 'o', name: 'r', baseBranch: 'main' },
    'main.tf',
    fix,
    'ok',
  ).body;

describe('playbooksThenModel', () => {
  it('answers from a playbook without calling the model, and says so', async () => {
    const model = scriptedModel();
    const generator = playbooksThenModel(createPlaybookGenerator(), model);
    const fix = await generator.generate(request({ versioning: 'Enabled' }), ctx);
    expect(model.calls).toHaveLength(0);
    expect(fix).toMatchObject({
      source: 'playbook',
      playbook: 's3-versioning',
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    expect(fix.fixedContent).toContain('resource "aws_s3_bucket_versioning" "logs" {');
    const body = prBody(fix);
    expect(body).toContain('- Fix Source: Playbook `s3-versioning` (deterministic, no model call)');
  });

  it('falls back to the model when a key has no playbook, and marks the model as the source', async () => {
    const model = scriptedModel();
    const generator = playbooksThenModel(createPlaybookGenerator(), model);
    // One key a playbook owns and one it does not: the whole failure goes to the model.
    const fix = await generator.generate(request({ versioning: 'Enabled', acl: 'private' }), ctx);
    expect(model.calls).toHaveLength(1);
    expect(fix).toMatchObject({ source: 'model', explanation: 'model fix' });
    const body = prBody(fix);
    expect(body).toContain(
      '- Fix Source: Model `us.anthropic.claude-test` (900 input / 80 output tokens, $0.0123)',
    );
  });

  it('turns the block_public_access shorthand into the provider-v4+ public access block resource', async () => {
    const fix = await createPlaybookGenerator().generate(request({ block_public_access: true }), ctx);
    expect(fix.playbook).toBe('s3-public-access-block');
    expect(fix.fixedContent).not.toMatch(/^\s*block_public_access\s*=/m);
    expect(fix.fixedContent).toContain('resource "aws_s3_bucket_public_access_block" "logs" {');
    expect(fix.fixedContent).toContain('restrict_public_buckets = true');
  });

  it('hands the model a shape the playbook does not handle', async () => {
    const model = scriptedModel();
    const generator = playbooksThenModel(createPlaybookGenerator(), model);
    await generator.generate(request({ versioning: 'sometimes' }), ctx);
    expect(model.calls).toHaveLength(1);
  });

  it('fails with TFX_FIX_EMPTY, without a model call, when the Terraform already complies', async () => {
    const model = scriptedModel();
    const compliant = `${CONTENT}\nresource "aws_s3_bucket_versioning" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n`;
    const generator = playbooksThenModel(createPlaybookGenerator(), model);
    await expect(
      generator.generate(request({ versioning: 'Enabled' }, compliant), ctx),
    ).rejects.toMatchObject({
      code: 'TFX_FIX_EMPTY',
      category: 'permanent',
    });
    expect(model.calls).toHaveLength(0);
  });

  it('createPlaybookGenerator alone refuses what no playbook covers', async () => {
    await expect(createPlaybookGenerator().generate(request({ acl: 'private' }), ctx)).rejects.toMatchObject({
      code: 'TFX_FIX_EMPTY',
      message: expect.stringMatching(/no playbook covers acl/) as unknown,
    });
  });
});
