import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { failureSchema, REPO_SIZES, type Failure, type FailureInput } from '../../../src/pipeline/failure.js';
import { knownCloudFormationTypes, terraformTypesFor } from '../../../src/hcl/resource-types.js';
import { declarationFor, hasTarget, sanitiseLabel } from '../../../src/simulation/synth/declare.js';
import { syntheticRepository } from '../../../src/simulation/synth/repository.js';
import { matchesIdentity, resourceBlocks, type ParsedBlock } from './hcl-blocks.js';

function failure(overrides: Partial<FailureInput>): Failure {
  return failureSchema.parse({
    test_id: 'manual-1',
    test_name: 'Manual test',
    resource_arn: 'arn:aws:s3:::test-bucket-abc12345',
    resource_type: 'AWS::S3::Bucket',
    failure_reason: 'hand-written',
    severity: 'high',
    framework: 'SOC2',
    failed_at: '2026-01-01T00:00:00Z',
    ...overrides,
  });
}

async function onlyBlock(path: string, content: string): Promise<ParsedBlock> {
  const blocks = resourceBlocks(path, await parse(path, content));
  expect(blocks).toHaveLength(1);
  return blocks[0] as ParsedBlock;
}

describe('declarationFor', () => {
  it('declares an S3 bucket by its bucket name', async () => {
    const declaration = declarationFor(failure({ current_state: { versioning: 'Disabled' } }));
    expect(declaration?.path).toBe('imported/aws_s3_bucket_test_bucket_abc12345.tf');
    const block = await onlyBlock(declaration?.path ?? '', declaration?.content ?? '');
    expect(block).toMatchObject({ type: 'aws_s3_bucket', label: 'test_bucket_abc12345' });
    expect(block.body.bucket).toBe('test-bucket-abc12345');
  });

  it('reflects current_state on an RDS instance and an IAM role', async () => {
    const rds = declarationFor(
      failure({
        resource_arn: 'arn:aws:rds:us-east-1:925031867809:db:db-gd1wn4hu',
        resource_type: 'AWS::RDS::DBInstance',
        current_state: { storage_encrypted: false, not_an_argument: true, multi_az: 'yes' },
      }),
    );
    const db = await onlyBlock(rds?.path ?? '', rds?.content ?? '');
    expect(db).toMatchObject({ type: 'aws_db_instance', label: 'db_gd1wn4hu' });
    expect(db.body).toMatchObject({ identifier: 'db-gd1wn4hu', storage_encrypted: false });
    expect(db.body).not.toHaveProperty('not_an_argument');
    expect(db.body).not.toHaveProperty('multi_az'); // wrong kind of value for the argument

    const iam = declarationFor(
      failure({
        resource_arn: 'arn:aws:iam::123456789012:role/team/test-role-x1',
        resource_type: 'AWS::IAM::Role',
        current_state: { max_session_duration: 43200 },
      }),
    );
    const role = await onlyBlock(iam?.path ?? '', iam?.content ?? '');
    expect(role.body).toMatchObject({ name: 'test-role-x1', max_session_duration: 43200 });
    expect(String(role.body.assume_role_policy)).toContain('sts:AssumeRole');
  });

  it('opens SSH on a security group from the current ssh_cidr, keeping an sg- id in tags.Name only', async () => {
    const arn = 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc1234';
    for (const [state, cidr] of [
      [{ ssh_cidr: '192.168.0.0/16' }, '192.168.0.0/16'],
      [{}, '0.0.0.0/0'],
    ] as const) {
      const declaration = declarationFor(
        failure({ resource_arn: arn, resource_type: 'AWS::EC2::SecurityGroup', current_state: state }),
      );
      const sg = await onlyBlock(declaration?.path ?? '', declaration?.content ?? '');
      expect(sg.body).not.toHaveProperty('name');
      expect(sg.body.tags).toEqual({ Name: 'sg-0abc1234' });
      expect(sg.body.ingress).toEqual([
        expect.objectContaining({ from_port: 22, to_port: 22, cidr_blocks: [cidr] }),
      ]);
    }
  });

  it('declares every mapped CloudFormation type so that the locate rules find it', async () => {
    for (const cfnType of knownCloudFormationTypes()) {
      const declaration = declarationFor(
        failure({
          resource_arn: 'arn:aws:svc:us-east-1:123456789012:thing/My.Resource-1',
          resource_type: cfnType,
        }),
      );
      expect(declaration, cfnType).toBeDefined();
      const block = await onlyBlock(declaration?.path ?? '', declaration?.content ?? '');
      expect(block.type).toBe(terraformTypesFor(cfnType)[0]);
      expect(block.label).toBe('my_resource_1');
      expect(matchesIdentity(block, 'My.Resource-1'), cfnType).toBe(true);
    }
  });

  it('returns undefined for types without a Terraform mapping', () => {
    expect(declarationFor(failure({ resource_type: 'AWS::Foo::Bar' }))).toBeUndefined();
  });

  it('falls back to resource_details.name when the ARN has no resource part', async () => {
    const declaration = declarationFor(
      failure({ resource_arn: 'arn:aws:s3:', resource_details: { name: 'from-details' } }),
    );
    const block = await onlyBlock(declaration?.path ?? '', declaration?.content ?? '');
    expect(block.body.bucket).toBe('from-details');
    expect(declarationFor(failure({ resource_arn: 'arn:aws:s3:' }))).toBeUndefined();
  });

  it('escapes names so that odd characters survive parsing verbatim', async () => {
    const name = 'we"ird${var.x}\\name';
    const declaration = declarationFor(failure({ resource_arn: `arn:aws:s3:::${name}` }));
    const block = await onlyBlock(declaration?.path ?? '', declaration?.content ?? '');
    expect(block.body.bucket).toBe(name);
    expect(block.label).toMatch(/^[a-z_][a-z0-9_]*$/);
  });

  it('is deterministic', () => {
    const input = failure({ current_state: { block_public_acls: false } });
    expect(declarationFor(input)).toEqual(declarationFor(input));
  });
});

describe('sanitiseLabel', () => {
  it('keeps [a-z0-9_] and never starts with a digit', () => {
    expect(sanitiseLabel('db-gd1wn4hu')).toBe('db_gd1wn4hu');
    expect(sanitiseLabel('123-Data.Bucket')).toBe('r_123_data_bucket');
    expect(sanitiseLabel('---')).toBe('r_');
    expect(sanitiseLabel('Already_ok')).toBe('already_ok');
  });
});

describe('hasTarget', () => {
  it('is true for every target of the repository and false otherwise', () => {
    for (const size of REPO_SIZES) {
      const repo = syntheticRepository(size);
      for (const target of repo.targets) expect(hasTarget(repo, target.cfnType, target.name)).toBe(true);
      const [first] = repo.targets;
      expect(first).toBeDefined();
      expect(hasTarget(repo, 'AWS::IAM::Role', first?.name ?? '')).toBe(first?.cfnType === 'AWS::IAM::Role');
      expect(hasTarget(repo, 'AWS::S3::Bucket', 'test-bucket-abc12345')).toBe(false);
      expect(hasTarget(repo, 'AWS::S3::Bucket', first?.arn ?? '')).toBe(false);
    }
    const small = syntheticRepository('small').targets[0];
    expect(hasTarget(syntheticRepository('medium'), small?.cfnType ?? '', small?.name ?? '')).toBe(false);
  });
});
