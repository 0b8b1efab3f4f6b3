import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateResource, type LocatedResource } from '../../src/hcl/locate.js';
import { createHclParser, type HclParser } from '../../src/hcl/parser.js';
import { findTerraform } from '../../src/hcl/terraform.js';
import { validateFix } from '../../src/hcl/validate.js';
import { fakeTerraform, removeTempDirs } from './fake-terraform.js';
import { failure, loadFixtureRepo, proposeFix } from './helpers.js';

let parser: HclParser;
const files = loadFixtureRepo('repo');

beforeAll(() => {
  parser = createHclParser({ workers: 2, cacheEntries: 100, cacheEnabled: true });
});
afterAll(async () => {
  await parser.close();
  await removeTempDirs();
});

const PAB = {
  block_public_acls: true,
  block_public_policy: true,
  ignore_public_acls: true,
  restrict_public_buckets: true,
};

async function proposal(
  overrides: Record<string, unknown>,
  source = files,
): Promise<{ located: LocatedResource; original: string; fixed: string }> {
  const f = failure(overrides);
  const located = locateResource(source, await parser.parseAll(source), f);
  const original = source.get(located.path) ?? '';
  return { located, original, fixed: proposeFix(original, located, f).content };
}

describe('validateFix', () => {
  it('accepts a good fix and reports the companion it adds', async () => {
    const { located, fixed } = await proposal({ required_state: PAB });
    const result = await validateFix({ files, path: located.path, fixedContent: fixed, located, parser });
    expect(result).toEqual({
      ok: true,
      terraform: 'skipped',
      added: ['resource.aws_s3_bucket_public_access_block.logs'],
      checks: [
        'guardrails passed (1 block(s) changed, rest of main.tf byte-identical)',
        'changed blocks parse',
        'adds resource.aws_s3_bucket_public_access_block.logs',
        'terraform validate skipped: no terraform binary',
      ],
      terraformSummary: 'terraform validate skipped: no terraform binary',
    });
  });

  it('accepts an in-place attribute fix inside a module folder', async () => {
    const { located, fixed } = await proposal({
      resource_arn: 'arn:aws:s3:::acme-archive',
      required_state: { force_destroy: false },
    });
    const result = await validateFix({ files, path: located.path, fixedContent: fixed, located, parser });
    expect(result).toMatchObject({
      ok: true,
      added: [],
      checks: expect.arrayContaining(['changes aws_s3_bucket.archive']) as unknown,
    });
  });

  it('accepts the deterministic fix of each load-test template', async () => {
    const templates: Record<string, unknown>[] = [
      { resource_arn: 'arn:aws:s3:::acme-logs', required_state: PAB },
      { resource_arn: 'arn:aws:s3:::acme-logs', required_state: { versioning: 'Enabled' } },
      {
        resource_type: 'AWS::IAM::Role',
        resource_arn: 'arn:aws:iam::123456789012:role/deployer',
        required_state: { max_session_duration: 3600 },
      },
      {
        resource_type: 'AWS::EC2::SecurityGroup',
        resource_arn: 'arn:aws:ec2:us-east-1:1:security-group/sg-0abc',
        resource_details: { name: 'bastion-sg' },
        required_state: { ssh_cidr: '10.0.0.0/8' },
      },
      {
        resource_type: 'AWS::RDS::DBInstance',
        resource_arn: 'arn:aws:rds:us-east-1:1:db:orders-db',
        required_state: { storage_encrypted: true },
      },
    ];
    for (const template of templates) {
      const { located, fixed } = await proposal(template);
      const result = await validateFix({ files, path: located.path, fixedContent: fixed, located, parser });
      expect(result, located.address).toMatchObject({ ok: true });
    }
  });

  it('lets a fix edit companions of the target, and nothing else that refers to it', async () => {
    const s3 = loadFixtureRepo('s3');
    const { located, fixed } = await proposal(
      { resource_arn: 'arn:aws:s3:::acme-assets', required_state: { ...PAB, versioning: 'Enabled' } },
      s3,
    );
    const result = await validateFix({ files: s3, path: located.path, fixedContent: fixed, located, parser });
    expect(result).toMatchObject({
      ok: true,
      added: [],
      checks: expect.arrayContaining([
        'changes companion resource.aws_s3_bucket_public_access_block.assets',
        'changes companion resource.aws_s3_bucket_versioning.assets_v',
      ]) as unknown,
    });
    const data = await proposal({
      resource_arn: 'arn:aws:s3:::data-store',
      required_state: { force_destroy: true },
    });
    const outputTouched = data.fixed.replace(
      'value = aws_s3_bucket.data.id',
      'value = aws_s3_bucket.data.arn',
    );
    const rejected = await validateFix({
      files,
      path: data.located.path,
      fixedContent: outputTouched,
      located: data.located,
      parser,
    });
    expect(!rejected.ok && rejected.reason).toBe(
      'guardrail other-block-changed: the fix changes output.bucket_id, which it must not touch',
    );
    const sibling = data.fixed.replace('bucket        = "acme-archive"', 'bucket        = "acme-archive-2"');
    const siblingResult = await validateFix({
      files,
      path: data.located.path,
      fixedContent: sibling,
      located: data.located,
      parser,
    });
    expect(!siblingResult.ok && siblingResult.reason).toBe(
      'guardrail other-block-changed: the fix changes resource.aws_s3_bucket.archive, which it must not touch',
    );
  });

  it('rejects a fix that breaks the syntax, naming the file', async () => {
    const { located, fixed } = await proposal({ required_state: PAB });
    const broken = fixed.replace('bucket = aws_s3_bucket.logs.id', 'bucket = aws_s3_bucket.logs.id {');
    const result = await validateFix({ files, path: located.path, fixedContent: broken, located, parser });
    expect(result).toMatchObject({ ok: false, code: 'TFX_HCL_PARSE', terraform: 'skipped' });
    expect(!result.ok && result.reason).toContain('main.tf');
  });

  it('rejects a fix that deletes or changes another block', async () => {
    const { located, original, fixed } = await proposal({ required_state: PAB });
    const withoutModule = fixed.slice(0, fixed.indexOf('module "storage"'));
    const deleted = await validateFix({
      files,
      path: located.path,
      fixedContent: withoutModule,
      located,
      parser,
    });
    expect(deleted).toEqual({
      ok: false,
      code: 'TFX_FIX_INVALID',
      reason: 'guardrail block-deleted: the fix deletes module.storage',
      terraform: 'skipped',
    });
    const changed = await validateFix({
      files,
      path: located.path,
      fixedContent: fixed.replace('region = var.region', 'region = "eu-west-1"'),
      located,
      parser,
    });
    expect(!changed.ok && changed.reason).toBe(
      'guardrail other-block-changed: the fix changes provider.aws, which it must not touch',
    );
    const localsTouched = original.replace('prefix = "acme-${var.env}"', 'prefix = "acme"');
    const locals = await validateFix({
      files,
      path: located.path,
      fixedContent: localsTouched,
      located,
      parser,
    });
    expect(!locals.ok && locals.reason).toBe(
      'guardrail other-block-changed: the fix changes locals, which it must not touch',
    );
  });

  it('rejects a fix that removes the target resource', async () => {
    const { located, original } = await proposal({ required_state: PAB });
    const removed = original.slice(0, located.block.start) + original.slice(located.block.end);
    const result = await validateFix({ files, path: located.path, fixedContent: removed, located, parser });
    expect(result).toMatchObject({
      ok: false,
      code: 'TFX_FIX_INVALID',
      reason: 'guardrail block-deleted: the fix deletes resource.aws_s3_bucket.logs',
    });
  });

  it('rejects an unchanged file and a comment-only change', async () => {
    const { located, original } = await proposal({ required_state: PAB });
    const same = await validateFix({ files, path: located.path, fixedContent: original, located, parser });
    expect(same).toMatchObject({
      ok: false,
      code: 'TFX_FIX_INVALID',
      reason: 'the fix is empty: the file is unchanged',
    });
    const cosmetic = await validateFix({
      files,
      path: located.path,
      fixedContent: original.replace('bucket = "acme-logs"', 'bucket = "acme-logs" # compliant now'),
      located,
      parser,
    });
    expect(!cosmetic.ok && cosmetic.reason).toMatch(/only comments or formatting/);
  });

  it('rejects a companion that another file of the module already declares', async () => {
    const clash = new Map([
      ...files,
      ['pab.tf', 'resource "aws_s3_bucket_public_access_block" "logs" {\n  bucket = "other"\n}\n'],
    ]);
    const { located, fixed } = await proposal({ required_state: PAB }, clash);
    const result = await validateFix({
      files: clash,
      path: located.path,
      fixedContent: fixed,
      located,
      parser,
    });
    expect(!result.ok && result.reason).toBe(
      'the fix declares resource.aws_s3_bucket_public_access_block.logs (already in pab.tf)',
    );
  });

  it('runs terraform in a copy of the tree, in the module directory, with the fix applied', async () => {
    const fake = await fakeTerraform('validate-json');
    const terraform = findTerraform(fake.dir);
    const { located, fixed } = await proposal({
      resource_arn: 'arn:aws:s3:::acme-archive',
      required_state: { force_destroy: false },
    });
    const result = await validateFix({
      files,
      path: located.path,
      fixedContent: fixed,
      located,
      parser,
      ...(terraform ? { terraform } : {}),
    });
    expect(result).toMatchObject({
      ok: true,
      terraform: 'passed',
      checks: expect.arrayContaining(['terraform validate passed']) as unknown,
    });
    // Before and after the fix (init + validate each), both in the module directory.
    const calls = await fake.calls();
    expect(calls).toHaveLength(4);
    for (const call of calls)
      expect(call).toMatch(/\/modules\/storage (init|validate) .* main\.tf variables\.tf $/);
  });

  it('rejects a fix terraform finds invalid, and fails closed when init fails', async () => {
    const terraform = findTerraform((await fakeTerraform('validate-json')).dir);
    const { located, fixed } = await proposal({
      resource_arn: 'arn:aws:s3:::acme-archive',
      required_state: { force_destroy: 'fake-terraform-reject' },
    });
    const result = await validateFix({
      files,
      path: located.path,
      fixedContent: fixed,
      located,
      parser,
      ...(terraform ? { terraform } : {}),
    });
    expect(result).toEqual({
      ok: false,
      code: 'TFX_FIX_INVALID',
      terraform: 'failed',
      reason:
        'terraform validate: the fix adds main.tf:3: Unsupported argument (An argument named "fake" is not expected here.)',
    });
    const escaping = new Map([...files, ['../outside.tf', 'locals {}\n']]);
    const unsafe = await validateFix({
      files: escaping,
      path: located.path,
      fixedContent: fixed,
      located,
      parser,
      ...(terraform ? { terraform } : {}),
    });
    expect(unsafe).toMatchObject({
      ok: false,
      terraform: 'failed',
      reason: 'unsafe file path ../outside.tf',
    });
    const initFails = findTerraform((await fakeTerraform('init-fails')).dir);
    const closed = await validateFix({
      files,
      path: located.path,
      fixedContent: fixed,
      located,
      parser,
      ...(initFails ? { terraform: initFails } : {}),
    });
    // init fails before the fix too: terraform cannot judge it, and the result says so (the gate's `required`
    // mode turns this into a rejection, see terraform-gate.test.ts).
    expect(closed).toMatchObject({
      ok: true,
      terraform: 'inconclusive',
      terraformSummary: expect.stringMatching(/^terraform init fails before the fix too/) as unknown,
    });
  });
});
