// (test, failing entity) → failure record: identity, type, severity, required_state, guidance, skips.
import { describe, expect, it } from 'vitest';
import { identityOf } from '../../../src/adapters/vanta/identity.js';
import { CONTROL_SPECS, CONTROLS, KNOWN_TESTS } from '../../../src/adapters/vanta/known-tests.js';
import { normalize, type NormalizeOptions } from '../../../src/adapters/vanta/normalize.js';
import { cfnTypeOfResponseType } from '../../../src/adapters/vanta/response-types.js';
import { parseSeverityMap, severityOf } from '../../../src/adapters/vanta/severity.js';
import type { VantaEntity, VantaTest } from '../../../src/adapters/vanta/wire.js';
import { terraformTypesFor } from '../../../src/hcl/resource-types.js';
import { failureKey } from '../../../src/pipeline/failure.js';

const NOW = Date.parse('2026-02-01T00:00:00Z');

function options(patch: Partial<NormalizeOptions> = {}): NormalizeOptions {
  return {
    severities: parseSeverityMap(undefined, 'medium').map,
    controls: new Map(),
    framework: 'Vanta',
    now: () => NOW,
    ...patch,
  };
}

const test = (patch: Partial<VantaTest> = {}): VantaTest => ({
  id: 'aws-s3-public-access-blocked',
  name: 'S3 Block Public Access feature enabled (AWS)',
  category: 'Infrastructure',
  lastTestRunDate: '2026-01-05T10:00:00.000Z',
  failureDescription: "You haven't enabled AWS's Block Public Access feature on S3 buckets.",
  remediationDescription:
    'Enable Block Public Access.\n\n```hcl\nresource "aws_s3_bucket_public_access_block" "x" {}\n```',
  ...patch,
});

const entity = (patch: Partial<VantaEntity> = {}): VantaEntity => ({
  id: '65fc81a3359c8508c9af880f',
  displayName: 'acme-prod-exports',
  responseType: 'AWS S3 bucket',
  entityStatus: 'FAILING',
  lastUpdatedDate: '2026-01-04T08:30:00.000Z',
  createdDate: '2025-12-01T00:00:00.000Z',
  ...patch,
});

function ok(result: ReturnType<typeof normalize>) {
  if (!result.ok) throw new Error(`skipped: ${result.reason}`);
  return result.failure;
}

describe('resource identity', () => {
  it('derives an S3 bucket ARN from the bucket name', () => {
    const failure = ok(normalize(test(), entity(), options()));
    expect(failure.resource_arn).toBe('arn:aws:s3:::acme-prod-exports');
    expect(failure.resource_type).toBe('AWS::S3::Bucket');
    expect(failure.resource_details).toMatchObject({
      name: 'acme-prod-exports',
      vanta_entity_id: '65fc81a3359c8508c9af880f',
      vanta_response_type: 'AWS S3 bucket',
    });
    expect(failure.resource_id).toBe('65fc81a3359c8508c9af880f');
  });

  it('keys the failure on sha256(test id + "-" + identity), so a pushed failure for the same bucket dedups with it', () => {
    const failure = ok(normalize(test(), entity(), options()));
    const pushed = {
      test_id: 'aws-s3-public-access-blocked',
      resource_arn: 'arn:aws:s3:::acme-prod-exports',
    };
    expect(failureKey(failure)).toBe(failureKey(pushed));
    // Stable: another poll (new dates, new wording) gives the same key.
    const later = ok(
      normalize(
        test({ failureDescription: 'changed', lastTestRunDate: '2026-03-01T00:00:00Z' }),
        entity({ lastUpdatedDate: '2026-03-01T00:00:00Z' }),
        options(),
      ),
    );
    expect(failureKey(later)).toBe(failureKey(failure));
  });

  it('uses a display name that already is an AWS ARN as it is', () => {
    const arn = 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc1234';
    const failure = ok(
      normalize(
        test({ id: 'firewall-config-server' }),
        entity({ displayName: arn, responseType: 'AWS security group' }),
        options(),
      ),
    );
    expect(failure.resource_arn).toBe(arn);
  });

  it('gives types whose ARN needs a region or account the reserved vanta identity built from the entity id', () => {
    const failure = ok(
      normalize(
        test({ id: 'firewall-config-server' }),
        entity({ displayName: 'bastion-ssh', responseType: 'AWS security group' }),
        options(),
      ),
    );
    expect(failure.resource_arn).toBe('arn:vanta:ec2:::security-group/65fc81a3359c8508c9af880f');
    expect(failure.resource_type).toBe('AWS::EC2::SecurityGroup');
    // The locator searches for the display name.
    expect(failure.resource_details.name).toBe('bastion-ssh');
  });

  it('names the kind after the CloudFormation type', () => {
    const id = { id: 'e1', displayName: 'x' };
    expect(identityOf(id, 'AWS::RDS::DBInstance').arn).toBe('arn:vanta:rds:::db-instance/e1');
    expect(identityOf(id, 'AWS::CloudTrail::Trail').arn).toBe('arn:vanta:cloudtrail:::trail/e1');
    expect(identityOf(id, 'AWS::EC2::Volume').arn).toBe('arn:vanta:ec2:::volume/e1');
    expect(identityOf(id, 'AWS::IAM::Role').arn).toBe('arn:vanta:iam:::role/e1');
  });

  it('falls back to the vanta identity for a bucket whose display name is not a bucket name', () => {
    const failure = ok(normalize(test(), entity({ displayName: 'Exports Bucket (prod)' }), options()));
    expect(failure.resource_arn).toBe('arn:vanta:s3:::bucket/65fc81a3359c8508c9af880f');
    expect(failure.resource_details.name).toBe('Exports Bucket (prod)');
  });
});

describe('resource type', () => {
  it('comes from the known control first, whatever the responseType says', () => {
    const failure = ok(normalize(test(), entity({ responseType: 'Storage bucket' }), options()));
    expect(failure.resource_type).toBe('AWS::S3::Bucket');
  });

  it('reads the responseType of unknown tests by keywords', () => {
    expect(cfnTypeOfResponseType('AWS S3 bucket')).toBe('AWS::S3::Bucket');
    expect(cfnTypeOfResponseType('s3_bucket')).toBe('AWS::S3::Bucket');
    expect(cfnTypeOfResponseType('AWS Security Group')).toBe('AWS::EC2::SecurityGroup');
    expect(cfnTypeOfResponseType('EBS volume')).toBe('AWS::EC2::Volume');
    expect(cfnTypeOfResponseType('AWS EC2 instance')).toBe('AWS::EC2::Instance');
    expect(cfnTypeOfResponseType('RDS DB instance')).toBe('AWS::RDS::DBInstance');
    expect(cfnTypeOfResponseType('Aurora cluster')).toBe('AWS::RDS::DBCluster');
    expect(cfnTypeOfResponseType('CloudTrail trail')).toBe('AWS::CloudTrail::Trail');
    expect(cfnTypeOfResponseType('IAM role')).toBe('AWS::IAM::Role');
    expect(cfnTypeOfResponseType('AWS::DynamoDB::Table')).toBe('AWS::DynamoDB::Table');
    expect(cfnTypeOfResponseType('AWS account')).toBeUndefined();
    expect(cfnTypeOfResponseType('GitHub repository')).toBeUndefined();
    expect(cfnTypeOfResponseType(null)).toBeUndefined();
  });

  it('skips (with a reason) an entity of a kind Terraform does not manage, instead of throwing', () => {
    const result = normalize(
      test({ id: 'aws-account-access-removed-on-termination' }),
      entity({ displayName: 'account-123456789012', responseType: 'AWS account' }),
      options(),
    );
    expect(result).toEqual({ ok: false, reason: 'unsupported_resource_type' });
  });

  it('maps only to CloudFormation types the locator knows', () => {
    const types = [
      ...CONTROLS.map((c) => CONTROL_SPECS[c].cfnType),
      ...[
        'S3 bucket',
        'security group',
        'EBS volume',
        'EC2 instance',
        'RDS instance',
        'RDS cluster',
        'CloudTrail',
        'IAM role',
        'IAM user',
        'IAM group',
        'IAM policy',
        'DynamoDB table',
        'Lambda function',
        'KMS key',
        'SQS queue',
        'SNS topic',
        'log group',
        'load balancer',
        'ECR repository',
        'EKS cluster',
        'ElastiCache cluster',
        'Secrets Manager secret',
        'VPC',
        'subnet',
      ].map((t) => cfnTypeOfResponseType(t)),
    ];
    for (const type of types) {
      expect(type).toBeDefined();
      expect(terraformTypesFor(type ?? '').length, String(type)).toBeGreaterThan(0);
    }
  });
});

describe('severity', () => {
  const map = parseSeverityMap(
    'aws-s3-public-access-blocked=high, category:Account security=low,category:LOGGING=informational',
    'medium',
  );

  it('by test id, then by category (any case or spacing), then the default', () => {
    expect(map.problems).toEqual([]);
    expect(severityOf(map.map, { id: 'aws-s3-public-access-blocked', category: 'Account security' })).toBe(
      'high',
    );
    expect(severityOf(map.map, { id: 'other', category: 'account_security' })).toBe('low');
    expect(severityOf(map.map, { id: 'other', category: 'Logging' })).toBe('informational');
    expect(severityOf(map.map, { id: 'other', category: 'Infrastructure' })).toBe('medium');
    expect(severityOf(map.map, { id: 'other', category: null })).toBe('medium');
  });

  it('reads the JSON spelling too, and the record carries the mapped severity', () => {
    const json = parseSeverityMap('{"firewall-config-server":"CRITICAL"}', 'low');
    expect(json.problems).toEqual([]);
    const failure = ok(
      normalize(
        test({ id: 'firewall-config-server' }),
        entity({ responseType: 'security group' }),
        options({ severities: json.map }),
      ),
    );
    expect(failure.severity).toBe('critical');
    expect(ok(normalize(test(), entity(), options({ severities: json.map }))).severity).toBe('low');
  });

  it('names the bad entries', () => {
    const bad = parseSeverityMap('a=urgent,b,=low,category:=high', 'medium');
    expect(bad.problems).toEqual([
      'entry "b" must be written key=value',
      'entry "=low" must be written key=value',
      'entry "a": severity must be one of critical, high, medium, low, informational',
      'entry "category:": category is empty',
    ]);
  });
});

describe('required_state and guidance', () => {
  it('comes from the known-test table for the controls the playbooks cover', () => {
    const failure = ok(normalize(test(), entity(), options()));
    expect(failure.required_state).toEqual({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const ssh = ok(
      normalize(test({ id: 'firewall-config-server' }), entity({ responseType: 'x' }), options()),
    );
    expect(ssh.required_state).toEqual({
      public_ingress_denied_ports: [22],
      public_cidrs: ['0.0.0.0/0', '::/0'],
    });
  });

  it('covers every control with at least one test id, and hands out copies of the table', () => {
    const covered = new Set(Object.values(KNOWN_TESTS).map((t) => t.control));
    expect([...covered].sort()).toEqual([...CONTROLS].sort());
    const failure = ok(normalize(test({ id: 'firewall-config-server' }), entity(), options()));
    (failure.required_state['public_ingress_denied_ports'] as number[]).push(80);
    expect(CONTROL_SPECS['sg-public-ssh'].requiredState['public_ingress_denied_ports']).toEqual([22]);
  });

  it('VANTA_TEST_CONTROLS maps another test id onto a control', () => {
    const failure = ok(
      normalize(
        test({ id: 'my-tenant-s3-versioning' }),
        entity({ responseType: 'Storage' }),
        options({ controls: new Map([['my-tenant-s3-versioning', 's3-versioning']]) }),
      ),
    );
    expect(failure.required_state).toEqual({ versioning: 'Enabled' });
    expect(failure.resource_type).toBe('AWS::S3::Bucket');
  });

  it('leaves required_state empty for other tests and passes remediationDescription to the model', () => {
    const failure = ok(
      normalize(
        test({ id: 'aws-dynamodb-pitr-backups', remediationDescription: 'Enable point-in-time recovery.' }),
        entity({ displayName: 'orders', responseType: 'DynamoDB table' }),
        options(),
      ),
    );
    expect(failure.required_state).toEqual({});
    expect(failure.remediation_guidance).toBe('Enable point-in-time recovery.');
    expect(failure.resource_type).toBe('AWS::DynamoDB::Table');
  });

  it('cuts long texts to the schema limits instead of dropping the entity', () => {
    const failure = ok(
      normalize(
        test({ failureDescription: 'x'.repeat(10_000), remediationDescription: 'y'.repeat(40_000) }),
        entity(),
        options(),
      ),
    );
    expect(failure.failure_reason).toHaveLength(4096);
    expect(failure.remediation_guidance).toHaveLength(16_384);
  });

  it('uses the test description or name when Vanta gives no failureDescription', () => {
    expect(ok(normalize(test({ failureDescription: null }), entity(), options())).failure_reason).toBe(
      'S3 Block Public Access feature enabled (AWS)',
    );
  });
});

describe('failed_at', () => {
  it('is the entity’s lastUpdatedDate, in UTC', () => {
    expect(
      ok(normalize(test(), entity({ lastUpdatedDate: '2026-01-04T09:30:00+01:00' }), options())).failed_at,
    ).toBe('2026-01-04T08:30:00.000Z');
  });

  it('skips dates without an offset or unreadable ones, ending at the clock', () => {
    const failure = ok(
      normalize(
        test({ lastTestRunDate: 'yesterday' }),
        entity({ lastUpdatedDate: '2026-01-04T09:30:00', createdDate: null }),
        options(),
      ),
    );
    expect(failure.failed_at).toBe(new Date(NOW).toISOString());
  });
});

describe('records the schema refuses', () => {
  it('are skipped as invalid_record', () => {
    expect(
      normalize(test({ id: 'x'.repeat(300) }), entity({ responseType: 'S3 bucket' }), options()),
    ).toEqual({
      ok: false,
      reason: 'invalid_record',
    });
  });
});
