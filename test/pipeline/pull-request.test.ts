// The PR body's evidence, diff summary, generator line and Fixes marker (buildDraft), everything redacted.
import { describe, expect, it } from 'vitest';
import { type Failure, failureSchema } from '../../src/pipeline/failure.js';
import type { FixProposal } from '../../src/pipeline/ports.js';
import { buildDraft } from '../../src/pipeline/pull-request.js';
import rds from '../e2e/fixtures/rds-failure.json' with { type: 'json' };

const TOKEN = `ghp_${'a1B2'.repeat(9)}`;
const failure: Failure = failureSchema.parse({
  ...rds,
  remediation_guidance: 'Enable storage encryption (a new instance from an encrypted snapshot).',
});
const before =
  'resource "aws_db_instance" "orders" {\n  storage_encrypted = false\n  # pw ' + TOKEN + '\n}\n';
const after = before.replace('= false', '= true');
const base: FixProposal = {
  fixedContent: after,
  explanation: 'Encrypts storage.',
  changedAttributes: ['storage_encrypted'],
  reasoning: 'The control requires it.',
  confidence: 'high',
  breakingChanges: 'The instance is replaced.',
  additionalRequirements: 'None',
  usage: { inputTokens: 700, outputTokens: 180 },
};
const repo = { owner: 'o', name: 'r', baseBranch: 'main' };

describe('the pull request body', () => {
  it('holds the evidence, the diff summary, the model with tokens and cost, and a Fixes marker', () => {
    const fix = { ...base, model: 'us.anthropic.claude-opus-4-5-20251101-v1:0', costUsd: 0.0078 };
    const { body } = buildDraft(
      failure,
      'k'.repeat(64),
      repo,
      'rds.tf',
      fix,
      'HCL checks passed (3)',
      before,
    );
    expect(body).toContain('**Failure Reason**: The database instance does not encrypt its storage');
    expect(body).toContain('**Remediation guidance**: Enable storage encryption');
    expect(body).toContain(
      '- Fix Source: Model `us.anthropic.claude-opus-4-5-20251101-v1:0` (700 input / 180 output tokens, $0.0078)',
    );
    expect(body).toContain('- Diff: `rds.tf` +1 −1 lines');
    expect(body).toContain('```diff\n--- a/rds.tf\n+++ b/rds.tf\n');
    expect(body).toContain('+  storage_encrypted = true');
    expect(body.trimEnd().split('\n').at(-1)).toBe('Fixes: test-aws-rds-storage-encrypted');
    // The diff shows the file's context lines, which pass the redactor like the rest.
    expect(body).not.toContain(TOKEN);
    expect(body).toContain('# pw [REDACTED]');
  });

  it('names the playbook when one wrote the fix, and leaves the cost out when the model has no price', () => {
    const line = (fix: FixProposal): string | undefined =>
      buildDraft(failure, 'k'.repeat(64), repo, 'rds.tf', fix, 'ok')
        .body.split('\n')
        .find((l) => l.startsWith('- Fix Source: '));
    expect(line({ ...base, source: 'playbook', playbook: 'rds-storage-encryption' })).toBe(
      '- Fix Source: Playbook `rds-storage-encryption` (deterministic, no model call)',
    );
    expect(line({ ...base, model: 'm' })).toBe('- Fix Source: Model `m` (700 input / 180 output tokens)');
  });

  it('cuts a long diff and leaves the section out without the content before the fix', () => {
    const long = `${before}${'# line\n'.repeat(3000)}`;
    const fix = { ...base, fixedContent: long.replace('= false', '= true').replace(/# line\n/g, '# LINE\n') };
    const { body } = buildDraft(failure, 'k'.repeat(64), repo, 'rds.tf', fix, 'ok', long);
    expect(body).toContain('... [diff cut]');
    expect(body.length).toBeLessThan(14_000);
    expect(buildDraft(failure, 'k'.repeat(64), repo, 'rds.tf', fix, 'ok').body).not.toContain('- Diff:');
  });
});
