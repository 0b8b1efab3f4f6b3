import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TerraFixError } from '../../../src/pipeline/errors.js';
import { failureKey, failureSchema, REPO_SIZES } from '../../../src/pipeline/failure.js';
import { hasTarget } from '../../../src/simulation/synth/declare.js';
import { syntheticRepository, syntheticTargets } from '../../../src/simulation/synth/repository.js';
import {
  failureStream,
  makeFailure,
  SEVERITIES,
  TEMPLATE_NAMES,
  TEMPLATES,
  templatesFor,
  uniqueIdFor,
} from '../../../src/simulation/synth/templates.js';

function take<T>(iterator: Iterator<T>, n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const step = iterator.next();
    if (step.done === true) break;
    out.push(step.value);
  }
  return out;
}

describe('templates', () => {
  it('are the five templates of the earlier version', () => {
    expect(
      TEMPLATE_NAMES.map((name) => [name, TEMPLATES[name].testName, TEMPLATES[name].resourceType]),
    ).toEqual([
      ['s3-public-access-block', 'S3 Bucket Block Public Access', 'AWS::S3::Bucket'],
      ['s3-versioning-enabled', 'S3 Bucket Versioning', 'AWS::S3::Bucket'],
      ['iam-session-duration', 'IAM Role Maximum Session Duration', 'AWS::IAM::Role'],
      ['sg-open-ssh', 'Security Group SSH Access', 'AWS::EC2::SecurityGroup'],
      ['rds-encryption', 'RDS Encryption at Rest', 'AWS::RDS::DBInstance'],
    ]);
    expect(TEMPLATES['s3-public-access-block'].requiredState).toEqual({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(TEMPLATES['sg-open-ssh'].currentState).toEqual({ ssh_cidr: '0.0.0.0/0' });
    expect(Object.isFrozen(TEMPLATES['rds-encryption'].currentState)).toBe(true);
  });

  it('templatesFor lists the templates of a CloudFormation type', () => {
    expect(templatesFor('AWS::S3::Bucket').map((t) => t.name)).toEqual([
      's3-public-access-block',
      's3-versioning-enabled',
    ]);
    expect(templatesFor('AWS::RDS::DBInstance').map((t) => t.name)).toEqual(['rds-encryption']);
    expect(templatesFor('AWS::Lambda::Function')).toEqual([]);
  });
});

describe('makeFailure', () => {
  it('builds a valid failure for every template and size with a stable key', () => {
    for (const size of REPO_SIZES) {
      for (const name of TEMPLATE_NAMES) {
        const target = syntheticTargets(size).find((t) => t.cfnType === TEMPLATES[name].resourceType);
        expect(target).toBeDefined();
        if (target === undefined) continue;
        const opts = {
          template: name,
          target,
          uniqueId: 'ab12cd34',
          size,
          failedAt: '2026-11-26T23:34:25.815973+00:00',
        };
        const parsed = failureSchema.parse(makeFailure(opts));
        expect(parsed).toMatchObject({
          test_id: `${name}-ab12cd34`,
          test_name: TEMPLATES[name].testName,
          resource_arn: target.arn,
          resource_type: target.cfnType,
          framework: 'SOC2',
          resource_id: 'res-ab12cd34',
          resource_details: { name: target.name, repo_size: size },
          current_state: TEMPLATES[name].currentState,
          required_state: TEMPLATES[name].requiredState,
        });
        expect(SEVERITIES).toContain(parsed.severity);
        expect(failureKey(failureSchema.parse(makeFailure(opts)))).toBe(failureKey(parsed));
        expect(makeFailure(opts)).toEqual(makeFailure(opts));
      }
    }
  });

  it('keeps the same key in every process', () => {
    const [target] = syntheticTargets('small');
    if (target === undefined) throw new Error('no targets');
    const input = makeFailure({
      template: 's3-versioning-enabled',
      target,
      uniqueId: '00000001',
      size: 'small',
      failedAt: '2026-01-01T00:00:00Z',
    });
    expect([input.test_id, input.resource_arn, failureKey(failureSchema.parse(input))])
      .toMatchInlineSnapshot(`
      [
        "s3-versioning-enabled-00000001",
        "arn:aws:s3:::acme-small-core-exports-00",
        "348214b70a56d2f5289fcccd0248b132a5c1ec1c6e7b3bbb8f3fa1f8f67c28a5",
      ]
    `);
  });

  it('returns fresh state objects and refuses a target of another type', () => {
    const bucket = syntheticTargets('small').find((t) => t.cfnType === 'AWS::S3::Bucket');
    if (bucket === undefined) throw new Error('no bucket target');
    const base = { target: bucket, uniqueId: 'x', size: 'small' as const, failedAt: '2026-01-01T00:00:00Z' };
    const failure = makeFailure({ ...base, template: 's3-versioning-enabled', severity: 'low' });
    expect(failure.severity).toBe('low');
    expect(failure.current_state).not.toBe(TEMPLATES['s3-versioning-enabled'].currentState);
    expect(() => makeFailure({ ...base, template: 'rds-encryption' })).toThrow(TerraFixError);
    try {
      makeFailure({ ...base, template: 'sg-open-ssh' });
    } catch (error) {
      expect(error).toMatchObject({ code: 'TFX_INVALID_INPUT', field: 'template' });
    }
  });
});

describe('failureStream', () => {
  it('yields valid, unique failures over targets the repository contains', () => {
    const repo = syntheticRepository('medium');
    const failures = take(failureStream(42, 'medium'), 2000).map((f) => failureSchema.parse(f));
    expect(failures).toHaveLength(2000);
    expect(new Set(failures.map((f) => f.test_id)).size).toBe(2000);
    expect(new Set(failures.map((f) => failureKey(f))).size).toBe(2000);
    for (const f of failures) {
      expect(hasTarget(repo, f.resource_type, f.resource_details.name ?? '')).toBe(true);
      expect(f.resource_details.repo_size).toBe('medium');
    }
    expect(new Set(failures.map((f) => f.test_id.replace(/-[0-9a-z]{8}$/, '')))).toEqual(
      new Set(TEMPLATE_NAMES),
    );
    expect(new Set(failures.map((f) => f.severity))).toEqual(new Set(SEVERITIES));
    expect(new Set(failures.map((f) => f.resource_arn)).size).toBe(repo.targets.length);
  });

  it('is reproducible per seed and differs between seeds', () => {
    const a = take(failureStream(7, 'large'), 50);
    expect(take(failureStream(7, 'large'), 50)).toEqual(a);
    expect(take(failureStream(8, 'large'), 50)).not.toEqual(a);
    expect(a[1]?.failed_at).toBe('2026-01-01T00:00:01.000Z');
  });

  it('honours the template restriction and the clock', () => {
    const failures = take(
      failureStream(1, 'small', { templates: ['rds-encryption'], now: () => '2030-05-05T05:05:05Z' }),
      20,
    );
    expect(failures.every((f) => f.resource_type === 'AWS::RDS::DBInstance')).toBe(true);
    expect(failures.every((f) => f.failed_at === '2030-05-05T05:05:05Z')).toBe(true);
  });
});

describe('uniqueIdFor', () => {
  it('gives 8 characters of [0-9a-z], distinct within a seed', () => {
    const ids = Array.from({ length: 100_000 }, (_, n) => uniqueIdFor(3, n));
    expect(ids.every((id) => /^[0-9a-z]{8}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('k6 reuse', () => {
  // k6 has no Node built-ins and no npm resolution: templates.ts and what it imports at runtime must be plain modules.
  it('keeps templates.ts free of Node and package imports, transitively', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
        const [, typeOnly, specifier = ''] = match;
        if (typeOnly !== undefined) continue;
        expect(specifier.startsWith('.'), `${file} imports ${specifier}`).toBe(true);
        visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    };
    visit(resolve(import.meta.dirname, '../../../src/simulation/synth/templates.ts'));
    expect(seen.size).toBeGreaterThan(2);
  });
});
