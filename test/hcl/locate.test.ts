import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockEntries, type HclDocument } from '../../src/hcl/document.js';
import { indexResources, locateIn, locateResource } from '../../src/hcl/locate.js';
import { scanBlocks } from '../../src/hcl/blocks.js';
import { createHclParser, type HclParser } from '../../src/hcl/parser.js';
import { failure, loadFixtureRepo } from './helpers.js';

let parser: HclParser;
let files: Map<string, string>;
let docs: Map<string, HclDocument>;

beforeAll(async () => {
  parser = createHclParser({ workers: 2, cacheEntries: 100, cacheEnabled: true });
  files = loadFixtureRepo('repo');
  docs = await parser.parseAll(files);
});
afterAll(() => parser.close());

async function withFiles(
  extra: Record<string, string>,
): Promise<[Map<string, string>, Map<string, HclDocument>]> {
  const more = new Map([...files, ...Object.entries(extra)]);
  return [more, await parser.parseAll(more)];
}

describe('locateResource', () => {
  it('agrees with hcl2json on which blocks each fixture file declares', async () => {
    const all = new Map([...files, ...loadFixtureRepo('s3'), ...loadFixtureRepo('tricky')]);
    const allDocs = await parser.parseAll(all);
    for (const [path, content] of all) {
      const scanned = scanBlocks(content).map((b) => [b.kind, ...b.labels].join('.'));
      const parsed = [...blockEntries(allDocs.get(path) ?? {}).keys()];
      expect(new Set(scanned), path).toEqual(new Set(parsed));
    }
  });

  it('finds a bucket by its bucket attribute and returns its exact block', () => {
    const found = locateResource(files, docs, failure({ resource_arn: 'arn:aws:s3:::acme-logs' }));
    expect(found).toMatchObject({
      path: 'main.tf',
      address: 'aws_s3_bucket.logs',
      tfType: 'aws_s3_bucket',
      label: 'logs',
    });
    expect(found.moduleDir).toBe('.');
    expect(files.get('main.tf')?.slice(found.block.start, found.block.end)).toBe(found.block.text);
    expect(found.block.startLine).toBe(29);
  });

  it('finds by label, name, identifier, tags.Name and arn, across files', () => {
    const by = (overrides: Record<string, unknown>): string => {
      const f = locateResource(files, docs, failure(overrides));
      return `${f.path}:${f.address}`;
    };
    expect(by({ resource_arn: 'arn:aws:s3:::replicas' })).toBe('main.tf:aws_s3_bucket.replicas');
    expect(
      by({
        resource_type: 'AWS::IAM::Role',
        resource_arn: 'arn:aws:iam::123456789012:role/service/deployer',
      }),
    ).toBe('iam.tf:aws_iam_role.deployer');
    expect(
      by({ resource_type: 'AWS::RDS::DBInstance', resource_arn: 'arn:aws:rds:us-east-1:123:db:orders-db' }),
    ).toBe('rds.tf:aws_db_instance.orders');
    expect(
      by({
        resource_type: 'AWS::EC2::SecurityGroup',
        resource_arn: 'arn:aws:ec2:us-east-1:1:security-group/sg-9',
        resource_details: { name: 'app-sg' },
      }),
    ).toBe('network.tf:aws_security_group.app');
    expect(
      by({
        resource_type: 'AWS::EC2::SecurityGroup',
        resource_arn: 'arn:aws:ec2:us-east-1:1:security-group/bastion-sg',
      }),
    ).toBe('network.tf:aws_security_group.bastion');
    expect(by({ resource_arn: 'arn:aws:s3:::unknown', resource_id: 'central-logs' })).toBe(
      'main.tf:aws_s3_bucket.logs',
    );
  });

  it('finds resources inside module folders and ignores .terraform/', () => {
    const archive = locateResource(files, docs, failure({ resource_arn: 'arn:aws:s3:::acme-archive' }));
    expect(archive).toMatchObject({
      path: 'modules/storage/main.tf',
      address: 'aws_s3_bucket.archive',
      moduleDir: 'modules/storage',
    });
    expect(files.has('.terraform/modules/storage/main.tf')).toBe(true);
    const data = locateResource(files, docs, failure({ resource_arn: 'arn:aws:s3:::data-store' }));
    expect(data.path).toBe('modules/storage/main.tf');
  });

  it('checks every identifying attribute, not just the first one present', () => {
    // `bucket` is set (to another value) but `tags.Name` matches.
    const found = locateResource(files, docs, failure({ resource_arn: 'arn:aws:s3:::central-logs' }));
    expect(found.address).toBe('aws_s3_bucket.logs');
  });

  it('matches a literal arn attribute against the full ARN only', async () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:alerts-topic';
    const [f, d] = await withFiles({
      'sns.tf': `resource "aws_sns_topic" "t1" {\n  name = var.topic\n  arn  = "${arn}"\n}\n`,
    });
    expect(
      locateResource(f, d, failure({ resource_type: 'AWS::SNS::Topic', resource_arn: arn })).address,
    ).toBe('aws_sns_topic.t1');
  });

  it('evaluates a module variable from the literal argument of the module call', () => {
    // modules/storage: bucket = var.name; the root calls it with name = "acme-data-store".
    const found = locateResource(files, docs, failure({ resource_arn: 'arn:aws:s3:::acme-data-store' }));
    expect(found).toMatchObject({ path: 'modules/storage/main.tf', address: 'aws_s3_bucket.data' });
  });

  it('evaluates locals and variable defaults, and treats what it cannot evaluate as a wildcard', async () => {
    // main.tf: bucket = "${local.prefix}-replica-${count.index}", prefix = "acme-${var.env}", env defaults to prod.
    const replica = locateResource(
      files,
      docs,
      failure({ resource_arn: 'arn:aws:s3:::acme-prod-replica-1' }),
    );
    expect(replica.address).toBe('aws_s3_bucket.replicas');
    const [f, d] = await withFiles({
      'account.tf': [
        'data "aws_caller_identity" "current" {}',
        'resource "aws_s3_bucket" "audit" {',
        '  bucket = "${data.aws_caller_identity.current.account_id}-audit"',
        '}',
        'resource "aws_s3_bucket" "named" {',
        '  bucket = "${local.prefix}-named"',
        '}',
        'resource "aws_s3_bucket" "anything" {',
        '  bucket = var.region',
        '}',
        '',
      ].join('\n'),
    });
    const audit = locateResource(f, d, failure({ resource_arn: 'arn:aws:s3:::493817265041-audit' }));
    expect(audit.address).toBe('aws_s3_bucket.audit');
    expect(locateResource(f, d, failure({ resource_arn: 'arn:aws:s3:::acme-prod-named' })).address).toBe(
      'aws_s3_bucket.named',
    );
    // A literal-free expression (var.region evaluates to "us-east-1") never stands for any name.
    expect(() => locateResource(f, d, failure({ resource_arn: 'arn:aws:s3:::other-bucket' }))).toThrow(
      expect.objectContaining({ code: 'TFX_RESOURCE_NOT_FOUND', category: 'permanent' }),
    );
  });

  it('says when several blocks could match through wildcards instead of guessing', async () => {
    const [f, d] = await withFiles({
      'account.tf': [
        'resource "aws_s3_bucket" "audit_a" {',
        '  bucket = "${data.aws_caller_identity.current.account_id}-audit"',
        '}',
        'resource "aws_s3_bucket" "audit_b" {',
        '  bucket = "${data.aws_caller_identity.other.account_id}-audit"',
        '}',
        '',
      ].join('\n'),
    });
    const call = (): unknown => locateResource(f, d, failure({ resource_arn: 'arn:aws:s3:::1234-audit' }));
    expect(call).toThrow(expect.objectContaining({ code: 'TFX_RESOURCE_AMBIGUOUS', category: 'permanent' }));
    expect(call).toThrow(
      /2 resources could match .*cannot evaluate.*aws_s3_bucket\.audit_a.*aws_s3_bucket\.audit_b/,
    );
    // An exact name wins over wildcard candidates.
    const [g, e] = await withFiles({
      'account.tf':
        'resource "aws_s3_bucket" "x" {\n  bucket = "${data.aws_caller_identity.current.account_id}-logs"\n}\n',
    });
    expect(locateResource(g, e, failure({ resource_arn: 'arn:aws:s3:::acme-logs' })).address).toBe(
      'aws_s3_bucket.logs',
    );
  });

  it('names the types and identities looked for when nothing matches', () => {
    const call = (): unknown =>
      locateResource(
        files,
        docs,
        failure({ resource_arn: 'arn:aws:s3:::nope', resource_details: { name: 'nada' } }),
      );
    expect(call).toThrow(/aws_s3_bucket resource named "nope", "nada"/);
    expect(() => locateResource(files, docs, failure({ resource_type: 'AWS::Foo::Bar' }))).toThrow(
      expect.objectContaining({ code: 'TFX_RESOURCE_NOT_FOUND' }),
    );
  });

  it('reports every candidate, sorted by path, when several blocks match', async () => {
    const [f, d] = await withFiles({
      'z-extra.tf': 'resource "aws_s3_bucket" "logs_copy" {\n  bucket = "acme-logs"\n}\n',
      'a-extra.tf': 'resource "aws_s3_bucket" "other" {\n  tags = { Name = "acme-logs" }\n}\n',
    });
    const error = (() => {
      try {
        locateResource(f, d, failure({ resource_arn: 'arn:aws:s3:::acme-logs' }));
      } catch (e) {
        return e as Error & { code: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('TFX_RESOURCE_AMBIGUOUS');
    expect(error?.message).toContain(
      'a-extra.tf:1 aws_s3_bucket.other, main.tf:29 aws_s3_bucket.logs, z-extra.tf:1',
    );
  });

  it('counts one block once even when several of its attributes match', () => {
    const found = locateResource(
      files,
      docs,
      failure({
        resource_arn: 'arn:aws:s3:::acme-logs',
        resource_details: { name: 'central-logs' },
        resource_id: 'logs',
      }),
    );
    expect(found.address).toBe('aws_s3_bucket.logs');
  });

  it('reuses an index across lookups', () => {
    const index = indexResources(files, docs);
    expect(index.resources.map((r) => `${r.path}:${r.address}`)).toEqual([
      'iam.tf:aws_iam_role.deployer',
      'iam.tf:aws_iam_role.reader',
      'main.tf:aws_s3_bucket.logs',
      'main.tf:aws_s3_bucket_policy.logs',
      'main.tf:aws_s3_bucket.replicas',
      'modules/storage/main.tf:aws_s3_bucket.data',
      'modules/storage/main.tf:aws_s3_bucket.archive',
      'network.tf:aws_security_group.bastion',
      'network.tf:aws_security_group.app',
      'rds.tf:aws_db_instance.orders',
    ]);
    expect(locateIn(index, failure({ resource_arn: 'arn:aws:s3:::acme-logs' })).address).toBe(
      'aws_s3_bucket.logs',
    );
    expect(locateIn(index, failure({ resource_arn: 'arn:aws:s3:::acme-archive' })).address).toBe(
      'aws_s3_bucket.archive',
    );
  });

  it('fails loudly when a file has no parsed document', () => {
    expect(() => indexResources(new Map([['x.tf', 'locals {}\n']]), new Map())).toThrow(
      /no parsed document for x\.tf/,
    );
  });
});
