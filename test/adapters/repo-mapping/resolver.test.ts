// GITHUB_REPO_MAPPING: parsing, validation and resolution (exact, longest prefix, default, carve-outs).
import { describe, expect, it } from 'vitest';
import { parseRepoMapping } from '../../../src/adapters/repo-mapping/mapping.js';
import { parseRepoTarget } from '../../../src/adapters/repo-mapping/repo-target.js';
import { MappedRepoResolver } from '../../../src/adapters/repo-mapping/resolver.js';
import { type Failure, failureSchema } from '../../../src/pipeline/failure.js';

function resolverOf(mapping: Record<string, unknown>, baseBranch = 'main'): MappedRepoResolver {
  const parsed = parseRepoMapping(JSON.stringify(mapping), baseBranch);
  expect(parsed.problems).toEqual([]);
  return new MappedRepoResolver(parsed.mapping);
}

const failureFor = (resource_arn: string): Failure =>
  failureSchema.parse({
    test_id: 't',
    test_name: 't',
    resource_arn,
    resource_type: 'AWS::S3::Bucket',
    failure_reason: 'r',
    severity: 'low',
    framework: 'f',
    failed_at: '2026-01-01T00:00:00Z',
  });

describe('resolution', () => {
  // The product guide's example, plus a narrower prefix and a carve-out.
  const resolver = resolverOf({
    default: 'myorg/terraform-main',
    'arn:aws:s3:::special-bucket': 'myorg/terraform-s3',
    'arn:aws:iam::123456:role': 'myorg/terraform-iam',
    'arn:aws:iam::123456:role/platform/': 'platform-team/iam@develop',
    'arn:aws:s3:::scratch-*': '',
  });

  it('takes an exact key first', () => {
    expect(resolver.explain('arn:aws:s3:::special-bucket')).toEqual({
      repo: { owner: 'myorg', name: 'terraform-s3', baseBranch: 'main' },
      by: 'exact',
      pattern: 'arn:aws:s3:::special-bucket',
    });
  });

  it('then the longest key the ARN starts with', () => {
    expect(resolver.explain('arn:aws:iam::123456:role/app')).toMatchObject({
      repo: { owner: 'myorg', name: 'terraform-iam' },
      by: 'prefix',
    });
    expect(resolver.explain('arn:aws:iam::123456:role/platform/deployer')).toEqual({
      repo: { owner: 'platform-team', name: 'iam', baseBranch: 'develop' },
      by: 'prefix',
      pattern: 'arn:aws:iam::123456:role/platform/',
    });
    // An exact key is a prefix too.
    expect(resolver.explain('arn:aws:s3:::special-bucket-logs')).toMatchObject({ by: 'prefix' });
  });

  it('then the default', () => {
    expect(resolver.resolve(failureFor('arn:aws:ec2:us-east-1:1:security-group/sg-1'))).toEqual({
      owner: 'myorg',
      name: 'terraform-main',
      baseBranch: 'main',
    });
    expect(resolver.explain('arn:vanta:ec2:::security-group/65fc')).toMatchObject({ by: 'default' });
  });

  it('an empty value carves resources out, even when a default exists', () => {
    expect(resolver.explain('arn:aws:s3:::scratch-tmp')).toEqual({
      repo: undefined,
      by: 'prefix',
      pattern: 'arn:aws:s3:::scratch-',
    });
    expect(resolver.resolve(failureFor('arn:aws:s3:::scratch-tmp'))).toBeUndefined();
  });

  it('a `*` key matches only as a prefix, never the bare pattern', () => {
    const starred = resolverOf({ 'arn:aws:s3:::logs-*': 'o/logs', 'arn:aws:s3:::': 'o/s3' });
    expect(starred.explain('arn:aws:s3:::logs-1').repo?.name).toBe('logs');
    expect(starred.explain('arn:aws:s3:::logs-').repo?.name).toBe('logs'); // prefix of itself
  });

  it('leaves everything unmapped with the guide’s default mapping {"default": ""} or none at all', () => {
    expect(resolverOf({ default: '' }).explain('arn:aws:s3:::a')).toEqual({ repo: undefined, by: 'none' });
    const none = parseRepoMapping(undefined, 'main');
    expect(new MappedRepoResolver(none.mapping).resolve(failureFor('arn:aws:s3:::a'))).toBeUndefined();
  });

  it('GITHUB_BASE_BRANCH is the branch unless the entry names one', () => {
    const r = resolverOf({ default: 'o/r', 'arn:aws:s3:::x': 'o/x@release/2026' }, 'trunk');
    expect(r.explain('arn:aws:s3:::y').repo?.baseBranch).toBe('trunk');
    expect(r.explain('arn:aws:s3:::x').repo?.baseBranch).toBe('release/2026');
  });
});

describe('validation', () => {
  it('names every bad entry and why', () => {
    const { problems } = parseRepoMapping(
      JSON.stringify({
        default: 'not-a-repo',
        'arn:aws:s3:::a': 'https://github.com/o/r',
        'arn:aws:s3:::b': 'o/r.git',
        'arn:aws:s3:::c': '-o/r',
        'arn:aws:s3:::d': 'o/r@bad..branch',
        'arn:aws:s3:::e': 42,
        'arn:*:s3': 'o/r',
        '*': 'o/r',
      }),
      'main',
    );
    expect(problems).toEqual([
      'entry "default": must be owner/name or owner/name@branch',
      'entry "arn:aws:s3:::a": must be owner/name or owner/name@branch',
      'entry "arn:aws:s3:::b": name must not end with .git',
      'entry "arn:aws:s3:::c": owner must be 1–39 letters, digits or inner hyphens',
      'entry "arn:aws:s3:::d": branch has a sequence git forbids',
      'entry "arn:aws:s3:::e" must map to a string "owner/name"',
      'entry "arn:*:s3": "*" is only allowed at the end',
      'entry "*": the pattern is empty',
    ]);
  });

  it('refuses what is not a JSON object', () => {
    for (const text of ['{', '[]', '"o/r"', 'null'])
      expect(parseRepoMapping(text, 'main').problems).toEqual([
        'must be a JSON object such as {"default": "owner/name"}',
      ]);
  });

  it('accepts GitHub’s owner and repository name rules', () => {
    expect(parseRepoTarget('my-org/terraform_infra.v2', 'main')).toEqual({
      owner: 'my-org',
      name: 'terraform_infra.v2',
      baseBranch: 'main',
    });
    expect(parseRepoTarget('o/r@feature/x-1', 'main')).toMatchObject({ baseBranch: 'feature/x-1' });
    expect(parseRepoTarget('a--b/r', 'main')).toHaveProperty('problem');
    expect(parseRepoTarget(`${'a'.repeat(40)}/r`, 'main')).toHaveProperty('problem');
    expect(parseRepoTarget('o/..', 'main')).toHaveProperty('problem');
    expect(parseRepoTarget('o/r@', 'main')).toHaveProperty('problem');
    expect(parseRepoTarget('o/r@x.lock', 'main')).toHaveProperty('problem');
  });
});
