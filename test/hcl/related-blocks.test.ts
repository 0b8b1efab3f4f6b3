// Related blocks for a model prompt: what the target names and what names it, one level deep, inside its module,
// bounded; and the analyzer hands them to the pipeline on the located target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHclAnalyzer } from '../../src/hcl/analyzer.js';
import { createHclParser, type HclParser } from '../../src/hcl/parser.js';
import {
  indexModule,
  referencesIn,
  RelatedBlockFinder,
  relatedBlocksIn,
} from '../../src/hcl/related-blocks.js';
import { TerraformGate } from '../../src/hcl/terraform-gate.js';
import { failure, loadFixtureRepo } from './helpers.js';

const files = loadFixtureRepo('related');
const root = indexModule(files, '.');
const target = root.byAddress.get('aws_s3_bucket.logs');
if (target === undefined) throw new Error('fixture lost aws_s3_bucket.logs');

describe('referencesIn', () => {
  it('finds var, local, module, data and resource references once each, in order of first mention', () => {
    const text = [
      'a = var.env',
      'b = "${local.prefix}-x-${var.env}"',
      'c = data.aws_region.current.name',
      'd = module.net.vpc_id',
      'e = aws_kms_key.main.arn',
      'f = [for s in aws_subnet.private : s.id]',
    ].join('\n');
    expect(referencesIn(text)).toEqual([
      'var.env',
      'local.prefix',
      'data.aws_region.current',
      'module.net',
      'aws_kms_key.main',
      'aws_subnet.private',
    ]);
  });

  it('ignores traversals, meta-arguments and dotted words without a resource type', () => {
    const text =
      'x = each.value\ny = count.index\nz = path.module\nw = "ec2.amazonaws.com"\nv = data.aws_region.current.name';
    expect(referencesIn(text)).toEqual(['data.aws_region.current']);
  });
});

describe('relatedBlocksIn', () => {
  it('returns what the target names, then the resources that name it, inside the module only', () => {
    const related = relatedBlocksIn(root, 'aws_s3_bucket.logs', target.text);
    expect(related.map((r) => [r.address, r.relation, r.path])).toEqual([
      ['local.common_tags', 'referenced', 'main.tf'],
      ['data.aws_caller_identity.current', 'referenced', 'main.tf'],
      ['data.aws_kms_key.logs', 'referenced', 'main.tf'],
      ['aws_iam_role.log_writer', 'referenced', 'main.tf'],
      ['aws_s3_bucket_policy.logs', 'referrer', 'main.tf'],
    ]);
    const all = related.map((r) => r.text).join('\n');
    for (const marker of ['UNRELATED-LOCAL-MARKER', 'UNRELATED-ROLE-MARKER', 'UNRELATED-VARIABLE-MARKER']) {
      expect(all).not.toContain(marker);
    }
    // The module's own aws_s3_bucket.logs and its versioning are another module's business.
    expect(all).not.toContain('MODULE-REFERRER-MARKER');
  });

  it('shows one locals entry alone, as a locals block', () => {
    const local = relatedBlocksIn(root, 'aws_s3_bucket.logs', target.text)[0];
    expect(local?.text).toMatch(
      /^locals \{\n {2}common_tags = \{[\s\S]*ManagedBy {3}= "terraform"\n {2}\}\n\}$/,
    );
    expect(local?.text).not.toContain('name_prefix');
  });

  it('resolves references in a module against that module', () => {
    const archive = indexModule(files, 'modules/archive');
    const bucket = archive.byAddress.get('aws_s3_bucket.logs');
    const related = relatedBlocksIn(archive, 'aws_s3_bucket.logs', bucket?.text ?? '');
    expect(related.map((r) => r.address)).toEqual(['var.environment', 'aws_s3_bucket_versioning.logs']);
    expect(related[0]?.text).toContain('MODULE-VARIABLE-MARKER');
  });

  it('caps the number of blocks and cuts long ones, saying so', () => {
    const capped = relatedBlocksIn(root, 'aws_s3_bucket.logs', target.text, { maxBlocks: 2, maxChars: 30 });
    expect(capped).toHaveLength(2);
    for (const block of capped) {
      expect(block.text.length).toBeLessThanOrEqual(30 + 60);
      expect(block.text).toMatch(/# \.\.\. cut: \d+ more characters$/);
    }
  });
});

describe('RelatedBlockFinder', () => {
  it('indexes a module once per revision while the cache is on, and again for a new revision', () => {
    const counting = new Map(files);
    let reads = 0;
    const get = counting.get.bind(counting);
    counting.get = (key: string) => {
      reads++;
      return get(key);
    };
    const finder = new RelatedBlockFinder({ cacheEnabled: true });
    const where = { path: 'main.tf', address: 'aws_s3_bucket.logs', text: target.text };
    const first = finder.find({ revision: 'r1', files: counting }, where);
    const afterFirst = reads;
    expect(finder.find({ revision: 'r1', files: counting }, where)).toEqual(first);
    expect(reads).toBe(afterFirst);
    finder.find({ revision: 'r2', files: counting }, where);
    expect(reads).toBeGreaterThan(afterFirst);
  });
});

describe('the analyzer', () => {
  let parser: HclParser;
  beforeAll(() => {
    parser = createHclParser({ workers: 1, cacheEntries: 100, cacheEnabled: true });
  });
  afterAll(() => parser.close());

  it('puts the related blocks on the located target', async () => {
    const analyzer = createHclAnalyzer({ parser, terraform: new TerraformGate('off', undefined) });
    const located = await analyzer.locate(
      { revision: 'fixture', files },
      failure({ resource_arn: 'arn:aws:s3:::acme-access-logs' }),
    );
    expect(located.address).toBe('aws_s3_bucket.logs');
    expect(located.related?.map((r) => r.address)).toEqual([
      'local.common_tags',
      'data.aws_caller_identity.current',
      'data.aws_kms_key.logs',
      'aws_iam_role.log_writer',
      'aws_s3_bucket_policy.logs',
    ]);
  });
});
