import { describe, expect, it } from 'vitest';
import { REPO_SIZES, type RepoSize } from '../../../src/pipeline/failure.js';
import { generateFiles } from '../../../src/simulation/synth/assemble.js';
import { LAYOUTS } from '../../../src/simulation/synth/layout.js';
import {
  syntheticRepository,
  syntheticTargets,
  type SyntheticTarget,
} from '../../../src/simulation/synth/repository.js';
import { allBlocks, matchesIdentity, parsedRepository, type ParsedBlock } from './hcl-blocks.js';

const IDENTITY_ATTRIBUTE: Record<string, (block: ParsedBlock) => unknown> = {
  aws_s3_bucket: (b) => b.body.bucket,
  aws_iam_role: (b) => b.body.name,
  aws_security_group: (b) => (b.body.tags as Record<string, unknown> | undefined)?.Name,
  aws_db_instance: (b) => b.body.identifier,
};

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function dirOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

describe('syntheticRepository determinism', () => {
  it('returns the same frozen object on every call', () => {
    const repo = syntheticRepository('small');
    expect(syntheticRepository('small')).toBe(repo);
    expect(Object.isFrozen(repo)).toBe(true);
    expect(Object.isFrozen(repo.targets)).toBe(true);
    expect(repo.targets.every((t) => Object.isFrozen(t))).toBe(true);
    const files = repo.files as Map<string, string>;
    expect(() => files.set('evil.tf', '')).toThrow(TypeError);
    expect(() => files.delete('main.tf')).toThrow(TypeError);
    expect(() => files.clear()).toThrow(TypeError);
    expect(repo.files.has('main.tf')).toBe(true);
  });

  it.each(REPO_SIZES)('generates identical files when run again from scratch (%s)', (size) => {
    expect(generateFiles(size)).toEqual(generateFiles(size));
    expect([...syntheticRepository(size).files]).toEqual([...generateFiles(size)]);
  });

  it('keeps the small repository stable across processes (file list and revision)', () => {
    const repo = syntheticRepository('small');
    expect(repo.revision).toMatch(/^[0-9a-f]{40}$/);
    expect({ revision: repo.revision, files: [...repo.files.keys()] }).toMatchInlineSnapshot(`
      {
        "files": [
          "iam.tf",
          "main.tf",
          "modules/data/main.tf",
          "modules/data/outputs.tf",
          "modules/data/variables.tf",
          "network.tf",
          "outputs.tf",
          "providers.tf",
          "rds.tf",
          "s3.tf",
          "security_groups.tf",
          "variables.tf",
        ],
        "revision": "018c4bad590e226e9f71a6de979c820f9249ca16",
      }
    `);
  });

  it('gives every size its own revision and lists files in path order', () => {
    const revisions = REPO_SIZES.map((size) => syntheticRepository(size).revision);
    expect(new Set(revisions).size).toBe(3);
    for (const size of REPO_SIZES) {
      const paths = [...syntheticRepository(size).files.keys()];
      expect(paths).toEqual([...paths].sort());
    }
  });
});

describe.each(REPO_SIZES)('%s repository content', (size: RepoSize) => {
  const repo = syntheticRepository(size);
  const layout = LAYOUTS[size];

  it('parses every file with hcl2json and lands within 15% of the block goal', async () => {
    const blocks = await allBlocks(size);
    expect(blocks.length).toBe(repo.resourceBlockCount);
    expect(Math.abs(blocks.length - layout.goal)).toBeLessThanOrEqual(layout.goal * 0.15);
  });

  it('has the usual root files and a called module per module folder', async () => {
    for (const file of ['main.tf', 'providers.tf', 'variables.tf', 'outputs.tf'])
      expect(repo.files.has(file)).toBe(true);
    const parsed = await parsedRepository(size);
    const providers = parsed.get('providers.tf') as {
      terraform: { required_providers: { aws: { source: string } }[] }[];
    };
    expect(providers.terraform[0]?.required_providers[0]?.aws.source).toBe('hashicorp/aws');
    expect(parsed.get('providers.tf')).toHaveProperty('provider.aws');

    const moduleDirs = new Set([...repo.files.keys()].filter((p) => p.startsWith('modules/')).map(dirOf));
    expect(moduleDirs.size).toBeGreaterThan(0);
    const sources = [...parsed]
      .filter(([path]) => !path.startsWith('modules/'))
      .flatMap(([, json]) => Object.values((json.module ?? {}) as Record<string, { source: string }[]>))
      .map((calls) => calls[0]?.source);
    for (const dir of moduleDirs) {
      expect(sources).toContain(`./${dir}`);
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf'])
        expect(repo.files.has(`${dir}/${file}`)).toBe(true);
    }
  });

  it('uses count, for_each, dynamic blocks, locals, data sources, heredocs, jsonencode and comments', () => {
    const all = [...repo.files.values()].join('\n');
    for (const pattern of [
      /^\s+count\s+=/m,
      /^\s+for_each\s+=/m,
      /^\s+dynamic "\w+" \{/m,
      /^locals \{/m,
      /^data "aws_\w+" "\w+"/m,
      /= <<EOF$/m,
      /jsonencode\(\{/,
      /^\s*#/m,
      /var\.\w+/,
    ]) {
      expect(all).toMatch(pattern);
    }
    expect(all).toMatch(/^\/\/ /m);
    expect(all).toMatch(/^\/\*/m);
    if (size !== 'small') expect(all).toMatch(/= <<-(POLICY|EOF)$/m);
  });

  it('covers many resource types', async () => {
    const types = new Set((await allBlocks(size)).map((b) => b.type));
    expect(types.size).toBeGreaterThanOrEqual(size === 'small' ? 6 : 25);
  });

  it('has the planned number of targets per type, some at the root and some in modules', () => {
    expect(syntheticTargets(size)).toBe(repo.targets);
    const byType = groupBy(repo.targets, (t) => t.cfnType);
    expect([...byType.keys()].sort()).toEqual([
      'AWS::EC2::SecurityGroup',
      'AWS::IAM::Role',
      'AWS::RDS::DBInstance',
      'AWS::S3::Bucket',
    ]);
    for (const list of byType.values()) {
      expect(list).toHaveLength(layout.targetsPerKind);
      expect(list.some((t) => t.path.startsWith('modules/'))).toBe(true);
      expect(list.some((t) => !t.path.includes('/'))).toBe(true);
    }
  });

  it('declares every target exactly once, by its literal identity, where the target says', async () => {
    const blocks = await allBlocks(size);
    const byType = groupBy(blocks, (b) => b.type);
    for (const target of repo.targets) {
      const matches = (byType.get(target.tfType) ?? []).filter((b) => matchesIdentity(b, target.name));
      expect(matches, target.address).toHaveLength(1);
      const [block] = matches as [ParsedBlock];
      expect(block.path).toBe(target.path);
      expect(IDENTITY_ATTRIBUTE[target.tfType]?.(block)).toBe(target.name);
      const prefix = target.path.startsWith('modules/') ? `module.${target.path.split('/')[1] ?? ''}.` : '';
      expect(target.address).toBe(`${prefix}${target.tfType}.${block.label}`);
    }
  });

  it('gives targets the non-compliant settings the templates describe', async () => {
    const blocks = await allBlocks(size);
    const find = (t: SyntheticTarget): ParsedBlock =>
      blocks.find((b) => b.type === t.tfType && matchesIdentity(b, t.name)) as ParsedBlock;
    for (const target of repo.targets) {
      const block = find(target);
      switch (target.tfType) {
        case 'aws_s3_bucket': {
          expect(target.arn).toBe(`arn:aws:s3:::${target.name}`);
          const companions = blocks.filter(
            (b) =>
              dirOf(b.path) === dirOf(target.path) &&
              ['aws_s3_bucket_versioning', 'aws_s3_bucket_public_access_block'].includes(b.type) &&
              String(b.body.bucket).includes(`aws_s3_bucket.${block.label}.`),
          );
          expect(companions).toEqual([]);
          break;
        }
        case 'aws_iam_role':
          expect(block.body.max_session_duration).toBe(43200);
          expect(String(block.body.assume_role_policy)).toContain('sts:AssumeRole');
          expect(target.arn).toMatch(new RegExp(`^arn:aws:iam::\\d{12}:role/(service/)?${target.name}$`));
          break;
        case 'aws_security_group': {
          const ingress = block.body.ingress as {
            from_port: number;
            to_port: number;
            cidr_blocks: string[];
          }[];
          expect(
            ingress.some(
              (r) => r.from_port === 22 && r.to_port === 22 && r.cidr_blocks.includes('0.0.0.0/0'),
            ),
          ).toBe(true);
          expect(ingress.length).toBeGreaterThan(1);
          expect(block.body.egress ?? block.body.dynamic).toBeDefined();
          expect(target.name).toMatch(/^sg-[0-9a-f]{8}$/);
          expect(target.arn).toMatch(
            new RegExp(`^arn:aws:ec2:[a-z0-9-]+:\\d{12}:security-group/${target.name}$`),
          );
          break;
        }
        case 'aws_db_instance':
          expect(block.body.storage_encrypted).toBe(false);
          expect(target.arn).toMatch(new RegExp(`^arn:aws:rds:[a-z0-9-]+:\\d{12}:db:${target.name}$`));
          break;
        default:
          throw new Error(`unexpected target type ${target.tfType}`);
      }
    }
  });
});

describe('targets across sizes', () => {
  it('never share an ARN or a name between sizes', () => {
    const all = REPO_SIZES.flatMap((size) => syntheticTargets(size));
    expect(new Set(all.map((t) => t.arn)).size).toBe(all.length);
    expect(new Set(all.map((t) => `${t.tfType}:${t.name}`)).size).toBe(all.length);
  });
});
