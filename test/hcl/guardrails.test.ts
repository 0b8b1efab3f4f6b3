// The guardrails judge every fix, whoever wrote it, on the blocks it changed (diffBlocks).
import { describe, expect, it } from 'vitest';
import { diffBlocks } from '../../src/hcl/fix-change.js';
import { checkGuardrails, pathInsideRoot } from '../../src/hcl/guardrails.js';

const FILE = `resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_iam_role" "reader" {
  name = "reader"
}
`;
const TARGET = {
  tfType: 'aws_s3_bucket',
  label: 'logs',
  text: 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}',
};

function judge(fixed: string, path = 'main.tf', original = FILE) {
  const change = diffBlocks(original, fixed);
  if (!change.ok) throw new Error(change.reason);
  return checkGuardrails({ path, target: TARGET, changes: change.blocks });
}

const withTarget = (body: string): string =>
  FILE.replace('  bucket = "acme-logs"\n', `  bucket = "acme-logs"\n${body}`);
const appended = (block: string): string => `${FILE}\n${block}\n`;

describe('diffBlocks', () => {
  it('finds only the changed and added blocks, and where they are', () => {
    const fixed = appended(
      'resource "aws_s3_bucket_versioning" "logs" {\n  bucket = aws_s3_bucket.logs.id\n}',
    );
    const change = diffBlocks(FILE, fixed);
    expect(change).toMatchObject({
      ok: true,
      blocks: [{ address: 'resource.aws_s3_bucket_versioning.logs', before: undefined }],
    });
    const edited = diffBlocks(FILE, withTarget('  force_destroy = false\n'));
    expect(edited).toMatchObject({ ok: true, blocks: [{ address: 'resource.aws_s3_bucket.logs' }] });
  });

  it('rejects stray top-level text and unbalanced braces', () => {
    expect(diffBlocks(FILE, `${FILE}\nbucket = 1\n`)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/outside any block/) as unknown,
    });
    expect(diffBlocks(FILE, FILE.replace('"acme-logs"\n}', '"acme-logs" {\n}'))).toMatchObject({ ok: false });
  });
});

describe('checkGuardrails', () => {
  it('accepts an edit of the target and an added block that refers to it', () => {
    expect(judge(withTarget('  force_destroy = false\n'))).toEqual({
      ok: true,
      targetChanged: true,
      added: [],
      companions: [],
    });
    const added = judge(
      appended('resource "aws_s3_bucket_versioning" "logs" {\n  bucket = aws_s3_bucket.logs.id\n}'),
    );
    expect(added).toMatchObject({
      ok: true,
      targetChanged: false,
      added: ['resource.aws_s3_bucket_versioning.logs'],
    });
  });

  it('rejects a change to another block, a deletion and an unrelated added block', () => {
    expect(judge(FILE.replace('name = "reader"', 'name = "admin"'))).toMatchObject({
      ok: false,
      rule: 'other-block-changed',
    });
    expect(judge(FILE.slice(0, FILE.indexOf('resource "aws_iam_role"')))).toMatchObject({
      ok: false,
      rule: 'block-deleted',
    });
    expect(judge(appended('resource "aws_iam_user" "x" {\n  name = "x"\n}'))).toMatchObject({
      ok: false,
      rule: 'unrelated-block-added',
    });
    // A comment naming the target is not a reference.
    expect(
      judge(appended('resource "aws_iam_user" "x" {\n  # aws_s3_bucket.logs\n  name = "x"\n}')),
    ).toMatchObject({ ok: false, rule: 'unrelated-block-added' });
    expect(judge(appended('variable "extra" {\n  default = aws_s3_bucket.logs.id\n}'))).toMatchObject({
      ok: false,
      rule: 'unrelated-block-added',
    });
  });

  it('rejects provisioners, local-exec, external data sources, backends and provider changes', () => {
    const provisioner = withTarget('  provisioner "local-exec" {\n    command = "curl evil"\n  }\n');
    expect(judge(provisioner)).toMatchObject({
      ok: false,
      rule: 'forbidden-construct',
      reason: expect.stringMatching(/provisioner/) as unknown,
    });
    const external = appended(
      'data "external" "x" {\n  program = ["sh"]\n  query = { b = aws_s3_bucket.logs.id }\n}',
    );
    expect(judge(external)).toMatchObject({ ok: false, rule: 'forbidden-construct' });
    const backend = appended('terraform {\n  backend "s3" {}\n}');
    expect(judge(backend)).toMatchObject({ ok: false, rule: 'forbidden-construct' });
    expect(judge(withTarget('  provider = aws.other\n'))).toMatchObject({
      ok: false,
      rule: 'provider-changed',
    });
    const otherProvider = appended(
      'resource "aws_s3_bucket_versioning" "logs" {\n  provider = aws.west\n  bucket   = aws_s3_bucket.logs.id\n}',
    );
    expect(judge(otherProvider)).toMatchObject({ ok: false, rule: 'provider-changed' });
  });

  it('keeps every path the fix names inside the Terraform root', () => {
    const object = (source: string): string =>
      appended(
        `resource "aws_s3_object" "o" {\n  bucket = aws_s3_bucket.logs.id\n  key    = "k"\n  source = "${source}"\n}`,
      );
    expect(judge(object('files/readme.txt'))).toMatchObject({ ok: true });
    expect(judge(object('../../etc/passwd'))).toMatchObject({ ok: false, rule: 'path-outside-root' });
    expect(judge(object('/etc/passwd'))).toMatchObject({ ok: false, rule: 'path-outside-root' });
    const policy = withTarget('  policy = file("${path.module}/../../../secret.json")\n');
    expect(judge(policy, 'modules/a/main.tf')).toMatchObject({ ok: false, rule: 'path-outside-root' });
    expect(
      judge(withTarget('  policy = file("${path.module}/policy.json")\n'), 'modules/a/main.tf'),
    ).toMatchObject({ ok: true });
    expect(judge(withTarget('  force_destroy = false\n'), '../main.tf')).toMatchObject({
      ok: false,
      rule: 'path-outside-root',
    });
    expect(pathInsideRoot('modules/a/main.tf', '${path.module}/../b/x')).toBe(true);
    expect(pathInsideRoot('main.tf', '${var.dir}/x')).toBe(false);
  });

  it('lets a known companion of the target change, and nothing else that refers to it', () => {
    const original = `${FILE}\nresource "aws_s3_bucket_public_access_block" "logs" {\n  bucket            = aws_s3_bucket.logs.id\n  block_public_acls = false\n}\n\nresource "aws_s3_bucket_policy" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  policy = "{}"\n}\n`;
    const companion = judge(
      original.replace('block_public_acls = false', 'block_public_acls = true'),
      'main.tf',
      original,
    );
    expect(companion).toMatchObject({
      ok: true,
      companions: ['resource.aws_s3_bucket_public_access_block.logs'],
    });
    const policy = judge(original.replace('policy = "{}"', 'policy = "{\\"x\\":1}"'), 'main.tf', original);
    expect(policy).toMatchObject({ ok: false, rule: 'other-block-changed' });
  });
});
