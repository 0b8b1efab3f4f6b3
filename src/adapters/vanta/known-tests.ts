/**
 * The Vanta tests TerraFix knows: the controls the playbooks cover, each with the CloudFormation type of the
 * entities it fails and the state a fix must reach (`required_state`). Other tests go to the model with the
 * test's `remediationDescription`.
 *
 * Vanta publishes no catalogue of test ids. `confirmed` ids were seen in Vanta's own documentation or in exports of
 * real accounts (protocols.md §1.3 and public test catalogues); the others are plausible guesses in Vanta's
 * `aws-<service>-...` style. `VANTA_TEST_CONTROLS` maps any real id onto a control, so a wrong guess costs a line of
 * configuration, not a release.
 */

export const CONTROLS = [
  's3-public-access-block',
  's3-versioning',
  's3-default-encryption',
  'rds-storage-encryption',
  'rds-backup-retention',
  'sg-public-ssh',
  'sg-public-rdp',
  'ebs-encryption',
  'cloudtrail-log-validation',
] as const;
export type Control = (typeof CONTROLS)[number];

export interface ControlSpec {
  /** The CloudFormation type of the entities the test fails. */
  cfnType: string;
  /** What a fix must make true; keys follow the Terraform argument names the playbooks set. */
  requiredState: Readonly<Record<string, unknown>>;
}

const PUBLIC_ACCESS_BLOCK = {
  block_public_acls: true,
  block_public_policy: true,
  ignore_public_acls: true,
  restrict_public_buckets: true,
};

export const CONTROL_SPECS: Readonly<Record<Control, ControlSpec>> = {
  's3-public-access-block': { cfnType: 'AWS::S3::Bucket', requiredState: PUBLIC_ACCESS_BLOCK },
  's3-versioning': { cfnType: 'AWS::S3::Bucket', requiredState: { versioning: 'Enabled' } },
  's3-default-encryption': { cfnType: 'AWS::S3::Bucket', requiredState: { sse_algorithm: 'AES256' } },
  'rds-storage-encryption': { cfnType: 'AWS::RDS::DBInstance', requiredState: { storage_encrypted: true } },
  // "at least": a longer retention already set is kept by the playbook.
  'rds-backup-retention': { cfnType: 'AWS::RDS::DBInstance', requiredState: { backup_retention_period: 7 } },
  'sg-public-ssh': {
    cfnType: 'AWS::EC2::SecurityGroup',
    requiredState: { public_ingress_denied_ports: [22], public_cidrs: ['0.0.0.0/0', '::/0'] },
  },
  'sg-public-rdp': {
    cfnType: 'AWS::EC2::SecurityGroup',
    requiredState: { public_ingress_denied_ports: [3389], public_cidrs: ['0.0.0.0/0', '::/0'] },
  },
  'ebs-encryption': { cfnType: 'AWS::EC2::Volume', requiredState: { encrypted: true } },
  'cloudtrail-log-validation': {
    cfnType: 'AWS::CloudTrail::Trail',
    requiredState: { enable_log_file_validation: true },
  },
};

/** Built-in test id → control. */
export const KNOWN_TESTS: Readonly<Record<string, { control: Control; confirmed: boolean }>> = {
  'aws-s3-public-access-blocked': { control: 's3-public-access-block', confirmed: true },
  'aws-s3-bucket-versioning-enabled': { control: 's3-versioning', confirmed: false },
  'aws-s3-bucket-encryption-enabled': { control: 's3-default-encryption', confirmed: false },
  'aws-rds-storage-encrypted': { control: 'rds-storage-encryption', confirmed: false },
  'aws-rds-backup-retention-configured': { control: 'rds-backup-retention', confirmed: false },
  // "Public SSH denied (AWS)": security groups open on 22 to 0.0.0.0/0.
  'firewall-config-server': { control: 'sg-public-ssh', confirmed: true },
  'aws-security-group-rdp-restricted': { control: 'sg-public-rdp', confirmed: false },
  'aws-ebs-volume-encrypted': { control: 'ebs-encryption', confirmed: false },
  'aws-cloudtrail-log-file-validation-enabled': { control: 'cloudtrail-log-validation', confirmed: false },
};

// A Map, so a test id such as `constructor` never reads the object prototype.
const KNOWN = new Map(Object.entries(KNOWN_TESTS).map(([id, { control }]) => [id, control]));

/** The control a test checks: `VANTA_TEST_CONTROLS` first, then the built-in table. */
export function controlOf(
  testId: string,
  overrides: ReadonlyMap<string, Control> = new Map(),
): Control | undefined {
  return overrides.get(testId) ?? KNOWN.get(testId);
}

export function isControl(value: string): value is Control {
  return (CONTROLS as readonly string[]).includes(value);
}
