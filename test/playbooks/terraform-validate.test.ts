// Every playbook's output must be valid Terraform for the AWS provider: the fixes are applied one after another
// to the hand-written fixture (modules, count, for_each, split S3 resources, interpolated names) and to every
// synthetic repository, each step passing the guardrails, then real `terraform validate` judges the result
// against the tree before the fixes (one run per tree: the AWS provider takes seconds to load). Needs the
// terraform binary; the provider comes from the local mirror when there is one (no network otherwise needed).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareChecks } from '../../src/hcl/diagnostics.js';
import { indexResources, locateIn } from '../../src/hcl/locate.js';
import { createHclParser, type HclParser } from '../../src/hcl/parser.js';
import { findTerraform } from '../../src/hcl/terraform.js';
import { runTerraformOn, validateFix } from '../../src/hcl/validate.js';
import { type Failure, REPO_SIZES } from '../../src/pipeline/failure.js';
import { createPlaybookGenerator } from '../../src/playbooks/generator.js';
import { syntheticRepository } from '../../src/simulation/synth/repository.js';
import { makeFailure, templatesFor } from '../../src/simulation/synth/templates.js';
import { failure } from '../hcl/helpers.js';

const MIRROR = '/opt/tf-plugins';
const env: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
);
if (existsSync(MIRROR)) env['TF_CLI_ARGS_init'] = `-plugin-dir=${MIRROR}`;
const terraform = findTerraform(env['PATH'], { env, timeoutMs: 600_000 });
const FIXTURE = fileURLToPath(new URL('../fixtures/terraform/', import.meta.url));

function loadTree(root: string): Map<string, string> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.tf') ? [join(dir, e.name)] : [],
    );
  return new Map(
    walk(root)
      .sort()
      .map((f) => [relative(root, f).split(sep).join('/'), readFileSync(f, 'utf8')]),
  );
}

let parser: HclParser;
beforeAll(() => {
  parser = createHclParser({ workers: 2, cacheEntries: 4000, cacheEnabled: true });
});
afterAll(() => parser.close());

/** Applies each failure's playbook fix in turn, checking each with the guardrails; returns the fixed tree. */
async function applyAll(
  start: ReadonlyMap<string, string>,
  failures: readonly { failure: Failure; playbook: string }[],
): Promise<Map<string, string>> {
  const files = new Map(start);
  const generator = createPlaybookGenerator();
  for (const { failure: f, playbook } of failures) {
    const located = locateIn(indexResources(files, await parser.parseAll(files)), f);
    const content = files.get(located.path) ?? '';
    const request = {
      failure: f,
      path: located.path,
      content,
      address: located.address,
      block: located.block.text,
    };
    const proposal = generator.propose(request);
    expect(proposal, `${f.test_id}: a playbook covers it`).toBeDefined();
    if (proposal === undefined) continue;
    expect(proposal, f.test_id).toMatchObject({ source: 'playbook', playbook });
    const check = await validateFix({
      files,
      path: located.path,
      fixedContent: proposal.fixedContent,
      located,
      parser,
    });
    expect(check, `${f.test_id} on ${located.address}`).toMatchObject({ ok: true });
    files.set(located.path, proposal.fixedContent);
  }
  return files;
}

const PAB = {
  block_public_acls: true,
  block_public_policy: true,
  ignore_public_acls: true,
  restrict_public_buckets: true,
};
const PUBLIC = ['0.0.0.0/0', '::/0'];

/** The fixture's failures: every playbook, every resource shape (interpolated, count, for_each, module). */
const FIXTURE_FAILURES = [
  ['arn:aws:s3:::acme-prod-logs', 'AWS::S3::Bucket', PAB, 's3-public-access-block'],
  ['arn:aws:s3:::acme-prod-logs', 'AWS::S3::Bucket', { versioning: 'Enabled' }, 's3-versioning'],
  ['arn:aws:s3:::acme-prod-logs', 'AWS::S3::Bucket', { sse_algorithm: 'AES256' }, 's3-default-encryption'],
  ['arn:aws:s3:::acme-prod-replica-1', 'AWS::S3::Bucket', PAB, 's3-public-access-block'],
  [
    'arn:aws:s3:::acme-prod-replica-1',
    'AWS::S3::Bucket',
    { sse_algorithm: 'aws:kms' },
    's3-default-encryption',
  ],
  ['arn:aws:s3:::acme-tenant-alpha', 'AWS::S3::Bucket', { versioning: 'Enabled' }, 's3-versioning'],
  ['arn:aws:s3:::acme-tenant-alpha', 'AWS::S3::Bucket', PAB, 's3-public-access-block'],
  [
    'arn:aws:s3:::493817265041-audit',
    'AWS::S3::Bucket',
    { sse_algorithm: 'AES256' },
    's3-default-encryption',
  ],
  ['arn:aws:s3:::acme-data-store', 'AWS::S3::Bucket', { sse_algorithm: 'AES256' }, 's3-default-encryption'],
  ['arn:aws:s3:::acme-data-store', 'AWS::S3::Bucket', { versioning: 'Enabled' }, 's3-versioning'],
  [
    'arn:aws:ec2:us-east-1:1:security-group/sg-0bastion0001',
    'AWS::EC2::SecurityGroup',
    { public_ingress_denied_ports: [22], public_cidrs: PUBLIC },
    'sg-public-ingress',
  ],
  [
    'arn:aws:ec2:us-east-1:1:security-group/sg-0windows0001',
    'AWS::EC2::SecurityGroup',
    { public_ingress_denied_ports: [3389], public_cidrs: PUBLIC },
    'sg-public-ingress',
  ],
  [
    'arn:aws:rds:us-east-1:1:db:acme-prod-orders',
    'AWS::RDS::DBInstance',
    { storage_encrypted: true, backup_retention_period: 7 },
    'rds-storage-encryption+rds-backup-retention',
  ],
  ['arn:aws:ec2:us-east-1:1:volume/scratch-1', 'AWS::EC2::Volume', { encrypted: true }, 'ebs-encryption'],
  [
    'arn:aws:cloudtrail:us-east-1:1:trail/acme-prod-trail',
    'AWS::CloudTrail::Trail',
    { enable_log_file_validation: true },
    'cloudtrail-log-validation',
  ],
  [
    'arn:aws:iam::1:role/deployer',
    'AWS::IAM::Role',
    { max_session_duration: 3600 },
    'iam-max-session-duration',
  ],
] as const;

describe.skipIf(terraform === undefined)(
  'playbook output passes terraform validate (needs terraform on PATH)',
  () => {
    it('on the hand-written fixture (modules, count, for_each, split S3 resources)', async () => {
      if (terraform === undefined) return;
      const original = loadTree(FIXTURE);
      const failures = FIXTURE_FAILURES.map(([arn, type, state, playbook], n) => ({
        failure: failure({
          test_id: `fixture-${n}`,
          resource_arn: arn,
          resource_type: type,
          required_state: state,
        }),
        playbook,
      }));
      const fixed = await applyAll(original, failures);
      // Spot checks of the shapes: companions repeat count / for_each, the module's existing companion is edited.
      expect(fixed.get('s3.tf')).toContain(
        'resource "aws_s3_bucket_public_access_block" "replicas" {\n  count = 2',
      );
      expect(fixed.get('s3.tf')).toContain('for_each = aws_s3_bucket.tenants');
      expect(fixed.get('modules/storage/main.tf')).toContain('sse_algorithm = "AES256"');
      const after = await runTerraformOn(fixed, '.', terraform);
      expect(after, JSON.stringify(after)).toMatchObject({ ok: true });
    }, 900_000);

    it.each(REPO_SIZES)(
      'on the synthetic %s repository, every target with every template',
      async (size) => {
        if (terraform === undefined) return;
        const repo = syntheticRepository(size);
        const failures = repo.targets.flatMap((target) =>
          templatesFor(target.cfnType).map((template, n) => ({
            failure: failure({
              ...makeFailure({
                template: template.name,
                target,
                uniqueId: `tv${n}`,
                size,
                failedAt: '2026-01-01T00:00:00Z',
              }),
            }),
            playbook: {
              's3-public-access-block': 's3-public-access-block',
              's3-versioning-enabled': 's3-versioning',
              'iam-session-duration': 'iam-max-session-duration',
              'sg-open-ssh': 'sg-ssh-cidr',
              'rds-encryption': 'rds-storage-encryption',
            }[template.name],
          })),
        );
        const fixed = await applyAll(repo.files, failures);
        const [before, after] = await Promise.all([
          runTerraformOn(repo.files, '.', terraform),
          runTerraformOn(fixed, '.', terraform),
        ]);
        const verdict = compareChecks(before, after);
        expect(verdict, JSON.stringify({ before, after }).slice(0, 4000)).toMatchObject({ kind: 'passed' });
      },
      900_000,
    );
  },
);
