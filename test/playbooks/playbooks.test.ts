import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceBodies, type HclDocument } from '../../src/hcl/document.js';
import { locateResource, type LocatedResource } from '../../src/hcl/locate.js';
import { createHclParser, type HclParser } from '../../src/hcl/parser.js';
import type { Failure } from '../../src/pipeline/failure.js';
import { runPlaybooks } from '../../src/playbooks/run.js';
import { applyRequiredState as modelEdit } from '../../src/simulation/adapters/model-edit.js';
import { failure, loadFixtureRepo } from '../hcl/helpers.js';

/** Playbooks first, then the simulated model's attribute edits: what mock mode's generator does. */
function applyRequiredState(content: string, located: LocatedResource, f: Failure) {
  const run = runPlaybooks(content, located, f.required_state);
  if (run.kind === 'changed') return { ...run, playbook: run.playbooks.join('+') };
  if (run.kind === 'compliant')
    return { content, changedAttributes: [], explanation: run.explanation, playbook: 'none' };
  return { ...modelEdit(content, located, f), playbook: 'model' };
}

let parser: HclParser;
const repo = loadFixtureRepo('repo');
const s3 = loadFixtureRepo('s3');

beforeAll(() => {
  parser = createHclParser({ workers: 2, cacheEntries: 100, cacheEnabled: true });
});
afterAll(() => parser.close());

interface Fixed {
  original: string;
  fixed: string;
  located: LocatedResource;
  doc: HclDocument;
  changedAttributes: string[];
  explanation: string;
  playbook: string;
}

async function fix(files: Map<string, string>, overrides: Record<string, unknown>): Promise<Fixed> {
  const f = failure(overrides);
  const located = locateResource(files, await parser.parseAll(files), f);
  const original = files.get(located.path) ?? '';
  const { content, changedAttributes, explanation, playbook } = applyRequiredState(original, located, f);
  return {
    playbook,
    original,
    fixed: content,
    located,
    doc: await parser.parse(located.path, content),
    changedAttributes,
    explanation,
  };
}

/** The one body of `type.label` in a parsed document. */
function body(doc: HclDocument, type: string, label: string): Record<string, unknown> {
  const [only, ...rest] = resourceBodies(doc, type, label);
  expect(rest).toHaveLength(0);
  return only ?? {};
}

/** Asserts that only the block (and text inserted right after it) changed. */
function expectOnlyBlockChanged({ original, fixed, located }: Fixed): void {
  expect(fixed.slice(0, located.block.start)).toBe(original.slice(0, located.block.start));
  expect(fixed.endsWith(original.slice(located.block.end))).toBe(true);
}

const PUBLIC_ACCESS = {
  test_id: 's3-public-access-block-abc12345',
  current_state: {
    block_public_acls: false,
    block_public_policy: false,
    ignore_public_acls: false,
    restrict_public_buckets: false,
  },
  required_state: {
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
  },
};

describe('playbooks: S3 public access block', () => {
  it('adds a companion aws_s3_bucket_public_access_block right after the bucket', async () => {
    const r = await fix(repo, { ...PUBLIC_ACCESS, resource_arn: 'arn:aws:s3:::acme-logs' });
    expectOnlyBlockChanged(r);
    expect(r.fixed.slice(r.located.block.start, r.located.block.end)).toBe(r.located.block.text);
    expect(r.fixed.slice(r.located.block.end)).toMatch(
      /^\n\nresource "aws_s3_bucket_public_access_block" "logs" \{\n {2}bucket = aws_s3_bucket\.logs\.id\n\n {2}block_public_acls {7}= true\n/,
    );
    expect(body(r.doc, 'aws_s3_bucket_public_access_block', 'logs')).toEqual({
      bucket: '${aws_s3_bucket.logs.id}',
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(body(r.doc, 'aws_s3_bucket', 'logs')).not.toHaveProperty('block_public_acls');
    expect(r.changedAttributes).toEqual(Object.keys(PUBLIC_ACCESS.required_state));
    expect(r.explanation).toContain('added aws_s3_bucket_public_access_block.logs');
    expect(r.playbook).toBe('s3-public-access-block');
  });

  it('repeats count on the companion for a counted bucket', async () => {
    const r = await fix(repo, { ...PUBLIC_ACCESS, resource_arn: 'arn:aws:s3:::replicas' });
    expect(body(r.doc, 'aws_s3_bucket_public_access_block', 'replicas')).toMatchObject({
      count: 2,
      bucket: '${aws_s3_bucket.replicas[count.index].id}',
    });
  });

  it('uses for_each over the bucket for a for_each bucket', async () => {
    const r = await fix(s3, { ...PUBLIC_ACCESS, resource_arn: 'arn:aws:s3:::tenants' });
    expect(body(r.doc, 'aws_s3_bucket_public_access_block', 'tenants')).toMatchObject({
      for_each: '${aws_s3_bucket.tenants}',
      bucket: '${each.value.id}',
    });
  });

  it('edits the existing companion for that bucket in place, adding only the missing flags', async () => {
    const r = await fix(s3, { ...PUBLIC_ACCESS, resource_arn: 'arn:aws:s3:::acme-assets' });
    expect(r.fixed).not.toContain('"aws_s3_bucket_public_access_block" "assets_public_access"');
    expect(body(r.doc, 'aws_s3_bucket_public_access_block', 'assets')).toEqual({
      bucket: '${aws_s3_bucket.assets.id}',
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(r.fixed).toContain(
      '  block_public_acls   = true\n  block_public_policy = true\n  ignore_public_acls = true\n',
    );
    expect(r.changedAttributes).toEqual([
      'block_public_acls',
      'ignore_public_acls',
      'restrict_public_buckets',
    ]);
  });

  it('opens up a single-line bucket block only where needed', async () => {
    const r = await fix(s3, { ...PUBLIC_ACCESS, resource_arn: 'arn:aws:s3:::acme-compact' });
    expect(r.fixed).toContain(
      'resource "aws_s3_bucket" "compact" { bucket = "acme-compact" }\n\nresource "aws_s3_bucket_public_access_block" "compact" {',
    );
  });
});

describe('playbooks: S3 versioning', () => {
  const VERSIONING = {
    test_id: 's3-versioning-enabled-x',
    current_state: { versioning: 'Disabled' },
    required_state: { versioning: 'Enabled' },
  };

  it('adds an aws_s3_bucket_versioning companion', async () => {
    const r = await fix(repo, { ...VERSIONING, resource_arn: 'arn:aws:s3:::acme-logs' });
    expectOnlyBlockChanged(r);
    expect(body(r.doc, 'aws_s3_bucket_versioning', 'logs')).toEqual({
      bucket: '${aws_s3_bucket.logs.id}',
      versioning_configuration: [{ status: 'Enabled' }],
    });
    expect(r.changedAttributes).toEqual(['versioning']);
  });

  it('edits an existing aws_s3_bucket_versioning for the bucket', async () => {
    const r = await fix(s3, { ...VERSIONING, resource_arn: 'arn:aws:s3:::acme-assets' });
    expect(body(r.doc, 'aws_s3_bucket_versioning', 'assets_v')).toEqual({
      bucket: '${aws_s3_bucket.assets.bucket}',
      versioning_configuration: [{ status: 'Enabled' }],
    });
    expect(r.fixed.replace('"Enabled"', '"Suspended"')).toBe(r.original);
  });

  it('edits an inline versioning block', async () => {
    const r = await fix(s3, { ...VERSIONING, resource_arn: 'arn:aws:s3:::acme-legacy' });
    expect(body(r.doc, 'aws_s3_bucket', 'legacy')['versioning']).toEqual([{ enabled: true }]);
    expect(r.fixed.replace('enabled = true', 'enabled = false')).toBe(r.original);
    expect(r.fixed).not.toContain('aws_s3_bucket_versioning" "legacy');
  });

  it('does both companions for a combined required state, in order', async () => {
    const r = await fix(repo, {
      resource_arn: 'arn:aws:s3:::acme-logs',
      required_state: { ...PUBLIC_ACCESS.required_state, versioning: 'Enabled' },
    });
    expect(r.fixed.indexOf('aws_s3_bucket_public_access_block')).toBeLessThan(
      r.fixed.indexOf('aws_s3_bucket_versioning'),
    );
    expect(resourceBodies(r.doc, 'aws_s3_bucket_versioning', 'logs')).toHaveLength(1);
  });
});

describe('playbooks: attributes', () => {
  it('replaces max_session_duration in place on an IAM role', async () => {
    const r = await fix(repo, {
      test_id: 'iam-session-duration-x',
      resource_type: 'AWS::IAM::Role',
      resource_arn: 'arn:aws:iam::123456789012:role/deployer',
      current_state: { max_session_duration: 43200 },
      required_state: { max_session_duration: 3600 },
    });
    expectOnlyBlockChanged(r);
    expect(r.fixed).toBe(r.original.replace('max_session_duration = 43200', 'max_session_duration = 3600'));
    expect(body(r.doc, 'aws_iam_role', 'deployer')['max_session_duration']).toBe(3600);
    expect(r.changedAttributes).toEqual(['max_session_duration']);
  });

  it('replaces storage_encrypted in place on an RDS instance', async () => {
    const r = await fix(repo, {
      test_id: 'rds-encryption-x',
      resource_type: 'AWS::RDS::DBInstance',
      resource_arn: 'arn:aws:rds:us-east-1:123456789012:db:orders-db',
      required_state: { storage_encrypted: true },
    });
    expect(r.fixed).toBe(r.original.replace('storage_encrypted = false', 'storage_encrypted = true'));
    expect(body(r.doc, 'aws_db_instance', 'orders')['storage_encrypted']).toBe(true);
  });

  it('inserts a missing attribute before the closing brace with the body indentation', async () => {
    const r = await fix(repo, {
      resource_arn: 'arn:aws:s3:::acme-archive',
      required_state: { object_lock_enabled: true },
    });
    expectOnlyBlockChanged(r);
    expect(r.fixed).toContain('  force_destroy = true\n  object_lock_enabled = true\n}');
    expect(r.located.path).toBe('modules/storage/main.tf');
  });

  it('renders strings, numbers, lists and maps as HCL literals, escaping interpolation', async () => {
    const r = await fix(repo, {
      resource_type: 'AWS::RDS::DBInstance',
      resource_arn: 'arn:aws:rds:us-east-1:1:db:orders-db',
      required_state: {
        engine: 'postgres',
        backup_retention_period: 7,
        enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
        tags: { Name: 'orders-db', 'cost-center': 'x"y', note: 'a ${b} %{c}' },
        description: null,
      },
    });
    const parsed = body(r.doc, 'aws_db_instance', 'orders');
    expect(parsed).toMatchObject({
      engine: 'postgres',
      backup_retention_period: 7,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
      tags: { Name: 'orders-db', 'cost-center': 'x"y', note: 'a $${b} %%{c}' },
      description: null,
    });
    expect(r.changedAttributes).toEqual([
      'backup_retention_period',
      'enabled_cloudwatch_logs_exports',
      'tags',
      'description',
    ]);
    expect(r.explanation).toContain('aws_db_instance.orders.engine already "postgres"');
  });

  it('sets keys of a map value inside a nested block of that name', async () => {
    const files = new Map([
      [
        'ddb.tf',
        'resource "aws_dynamodb_table" "t" {\n  name = "orders"\n\n  point_in_time_recovery {\n    enabled = false\n  }\n}\n',
      ],
    ]);
    const r = await fix(files, {
      resource_type: 'AWS::DynamoDB::Table',
      resource_arn: 'arn:aws:dynamodb:us-east-1:1:table/orders',
      required_state: { point_in_time_recovery: { enabled: true } },
    });
    expect(body(r.doc, 'aws_dynamodb_table', 't')['point_in_time_recovery']).toEqual([{ enabled: true }]);
  });

  it('opens up a single-line block to add an attribute', async () => {
    const r = await fix(s3, {
      resource_arn: 'arn:aws:s3:::acme-compact',
      required_state: { force_destroy: false },
    });
    expect(r.fixed).toContain(
      'resource "aws_s3_bucket" "compact" {\n  bucket = "acme-compact"\n  force_destroy = false\n}\n',
    );
    const nested = new Map([
      [
        'n.tf',
        'module "m" {\n  source = "./m"\n}\n\n  resource "aws_db_instance" "x" { identifier = "db-x" }\n',
      ],
    ]);
    const r2 = await fix(nested, {
      resource_type: 'AWS::RDS::DBInstance',
      resource_arn: 'arn:aws:rds:us-east-1:1:db:db-x',
      required_state: { identifier: 'db-y', storage_encrypted: true },
    });
    expect(r2.fixed).toContain(
      '  resource "aws_db_instance" "x" {\n    identifier = "db-y"\n    storage_encrypted = true\n  }\n',
    );
  });

  it('keeps CRLF line endings', async () => {
    const files = new Map([
      ['crlf.tf', 'resource "aws_db_instance" "db" {\r\n  identifier = "crlf-db"\r\n}\r\n'],
    ]);
    const r = await fix(files, {
      resource_type: 'AWS::RDS::DBInstance',
      resource_arn: 'arn:aws:rds:us-east-1:1:db:crlf-db',
      required_state: { storage_encrypted: true },
    });
    expect(r.fixed).toBe(
      'resource "aws_db_instance" "db" {\r\n  identifier = "crlf-db"\r\n  storage_encrypted = true\r\n}\r\n',
    );
  });

  it('returns the content unchanged, saying so, when the state is already met', async () => {
    const r = await fix(repo, {
      resource_type: 'AWS::IAM::Role',
      resource_arn: 'arn:aws:iam::1:role/deployer',
      required_state: { max_session_duration: 43200 },
    });
    expect(r.fixed).toBe(r.original);
    expect(r.changedAttributes).toEqual([]);
    expect(r.explanation).toMatch(/^No change to aws_iam_role\.deployer/);
  });

  it('refuses a location that no longer matches the content', async () => {
    const f = failure({ resource_arn: 'arn:aws:s3:::acme-logs', required_state: { acl: 'private' } });
    const located = locateResource(repo, await parser.parseAll(repo), f);
    expect(() => applyRequiredState(`# header\n${repo.get('main.tf') ?? ''}`, located, f)).toThrow(
      expect.objectContaining({ code: 'TFX_INTERNAL' }),
    );
  });
});

describe('playbooks: security group ssh_cidr', () => {
  const SSH = {
    test_id: 'sg-open-ssh-x',
    resource_type: 'AWS::EC2::SecurityGroup',
    current_state: { ssh_cidr: '0.0.0.0/0' },
    required_state: { ssh_cidr: '10.0.0.0/8' },
  };

  it('restricts only the ingress rules that admit port 22', async () => {
    const r = await fix(repo, { ...SSH, resource_arn: 'arn:aws:ec2:us-east-1:1:security-group/bastion-sg' });
    expectOnlyBlockChanged(r);
    const sg = body(r.doc, 'aws_security_group', 'bastion');
    const ingress = sg['ingress'] as { from_port: number; cidr_blocks: string[] }[];
    expect(ingress.map((i) => [i.from_port, i.cidr_blocks])).toEqual([
      [22, ['10.0.0.0/8']],
      [443, ['0.0.0.0/0']],
      [1024, ['10.0.0.0/8']],
    ]);
    expect(sg['egress']).toEqual([{ from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['0.0.0.0/0'] }]);
    expect(r.fixed).toBe(
      r.original.replace('cidr_blocks = ["0.0.0.0/0"]\n  }', 'cidr_blocks = ["10.0.0.0/8"]\n  }'),
    );
    expect(r.changedAttributes).toEqual(['ssh_cidr']);
  });

  it('guards dynamic rules with a condition on their ports, and empties IPv6 ranges on literal rules', async () => {
    const r = await fix(repo, {
      ...SSH,
      resource_arn: 'arn:aws:ec2:us-east-1:1:security-group/sg-0abc',
      resource_details: { name: 'app-sg' },
    });
    const sg = body(r.doc, 'aws_security_group', 'app');
    const dynamic = (sg['dynamic'] as { ingress: { content: Record<string, unknown>[] }[] }).ingress[0]
      ?.content[0];
    expect(dynamic?.['cidr_blocks']).toBe(
      '${ingress.value.from_port <= 22 && ingress.value.to_port >= 22 ? ["10.0.0.0/8"] : ingress.value.cidr_blocks}',
    );
    expect(sg['ingress']).toEqual([
      { from_port: 0, to_port: 1000, protocol: 'tcp', cidr_blocks: ['10.0.0.0/8'], ipv6_cidr_blocks: [] },
    ]);
    expect(r.explanation).toContain('restricted 2 ingress rule(s)');
  });

  it('uses a dynamic block iterator’s own expressions in the condition', async () => {
    const r = await fix(loadFixtureRepo('tricky'), {
      ...SSH,
      resource_arn: 'arn:aws:ec2:us-east-1:1:security-group/rules',
    });
    expect(r.fixed).toContain(
      'cidr_blocks = rule.value <= 22 && rule.value >= 22 ? ["10.0.0.0/8"] : ["0.0.0.0/0"]\n',
    );
    expect(r.doc).toBeDefined();
  });

  it('changes nothing when no rule admits port 22', async () => {
    const files = new Map([
      [
        'sg.tf',
        'resource "aws_security_group" "web" {\n  name = "web"\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
      ],
    ]);
    const r = await fix(files, { ...SSH, resource_arn: 'arn:aws:ec2:us-east-1:1:security-group/web' });
    expect(r.fixed).toBe(r.original);
    expect(r.explanation).toContain('no ingress rule admitting port 22');
  });
});
