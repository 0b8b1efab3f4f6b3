/**
 * The five load-test payload templates (from the earlier version's generators) and failure builders over
 * synthetic targets. Pure: no Node APIs, so k6 scripts can reuse the same data.
 */
import { TerraFixError } from '../../pipeline/errors.js';
import type { FailureInput, RepoSize } from '../../pipeline/failure.js';
import { fnv1a, mix32, mulberry32 } from './prng.js';
import { syntheticTargets, type SyntheticTarget } from './targets.js';

export const TEMPLATE_NAMES = [
  's3-public-access-block',
  's3-versioning-enabled',
  'iam-session-duration',
  'sg-open-ssh',
  'rds-encryption',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type TemplateSeverity = (typeof SEVERITIES)[number];

export interface FailureTemplate {
  /** Also the test_id prefix. */
  name: TemplateName;
  testName: string;
  resourceType: string;
  failureReason: string;
  currentState: Readonly<Record<string, unknown>>;
  requiredState: Readonly<Record<string, unknown>>;
}

const PUBLIC_ACCESS_KEYS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
];
const allOf = (value: boolean): Record<string, boolean> =>
  Object.fromEntries(PUBLIC_ACCESS_KEYS.map((key) => [key, value]));

const freezeTemplates = (
  templates: Record<TemplateName, FailureTemplate>,
): Record<TemplateName, FailureTemplate> => {
  for (const t of Object.values(templates)) {
    Object.freeze(t.currentState);
    Object.freeze(t.requiredState);
    Object.freeze(t);
  }
  return Object.freeze(templates);
};

export const TEMPLATES: Readonly<Record<TemplateName, FailureTemplate>> = freezeTemplates({
  's3-public-access-block': {
    name: 's3-public-access-block',
    testName: 'S3 Bucket Block Public Access',
    resourceType: 'AWS::S3::Bucket',
    failureReason: 'S3 bucket does not block public access',
    currentState: allOf(false),
    requiredState: allOf(true),
  },
  's3-versioning-enabled': {
    name: 's3-versioning-enabled',
    testName: 'S3 Bucket Versioning',
    resourceType: 'AWS::S3::Bucket',
    failureReason: 'S3 bucket does not have versioning enabled',
    currentState: { versioning: 'Disabled' },
    requiredState: { versioning: 'Enabled' },
  },
  'iam-session-duration': {
    name: 'iam-session-duration',
    testName: 'IAM Role Maximum Session Duration',
    resourceType: 'AWS::IAM::Role',
    failureReason: 'IAM role maximum session duration exceeds 1 hour',
    currentState: { max_session_duration: 43200 },
    requiredState: { max_session_duration: 3600 },
  },
  'sg-open-ssh': {
    name: 'sg-open-ssh',
    testName: 'Security Group SSH Access',
    resourceType: 'AWS::EC2::SecurityGroup',
    failureReason: 'Security group allows SSH (port 22) from 0.0.0.0/0',
    currentState: { ssh_cidr: '0.0.0.0/0' },
    requiredState: { ssh_cidr: '10.0.0.0/8' },
  },
  'rds-encryption': {
    name: 'rds-encryption',
    testName: 'RDS Encryption at Rest',
    resourceType: 'AWS::RDS::DBInstance',
    failureReason: 'RDS instance does not have encryption enabled',
    currentState: { storage_encrypted: false },
    requiredState: { storage_encrypted: true },
  },
});

/** Templates that apply to a CloudFormation type (two for S3 buckets, one for the others, none otherwise). */
export function templatesFor(cfnType: string): readonly FailureTemplate[] {
  return TEMPLATE_NAMES.map((name) => TEMPLATES[name]).filter((t) => t.resourceType === cfnType);
}

export interface MakeFailureOptions {
  template: TemplateName;
  target: SyntheticTarget;
  /** Makes test_id and resource_id unique: `${prefix}-${uniqueId}`, `res-${uniqueId}`. */
  uniqueId: string;
  size: RepoSize;
  /** ISO-8601 with offset, e.g. `new Date().toISOString()`. */
  failedAt: string;
  /** Defaults to one derived from uniqueId, so the same inputs always give the same failure. */
  severity?: TemplateSeverity;
}

/** A webhook payload for one template and target; throws when the target's type does not fit the template. */
export function makeFailure(opts: MakeFailureOptions): FailureInput {
  const template = TEMPLATES[opts.template];
  if (template.resourceType !== opts.target.cfnType) {
    throw new TerraFixError('TFX_INVALID_INPUT', 'template does not apply to the target resource type', {
      category: 'validation',
      field: 'template',
      cause: { template: opts.template, cfnType: opts.target.cfnType },
    });
  }
  return {
    test_id: `${template.name}-${opts.uniqueId}`,
    test_name: template.testName,
    resource_arn: opts.target.arn,
    resource_type: template.resourceType,
    failure_reason: template.failureReason,
    severity: opts.severity ?? SEVERITIES[fnv1a(opts.uniqueId) % SEVERITIES.length] ?? 'high',
    framework: 'SOC2',
    failed_at: opts.failedAt,
    current_state: { ...template.currentState },
    required_state: { ...template.requiredState },
    resource_id: `res-${opts.uniqueId}`,
    resource_details: { name: opts.target.name, repo_size: opts.size },
  };
}

/** The n-th id of a seed: 8 characters of [0-9a-z]; distinct for every n below 2^32 within one seed. */
export function uniqueIdFor(seed: number, n: number): string {
  // mix32 is a bijection, so ids only repeat after 2^32 draws; the first character just varies with the seed.
  const head = (fnv1a(`stream:${seed >>> 0}`) % 36).toString(36);
  return `${head}${uniqueNumberFor(seed, n).toString(36).padStart(7, '0')}`;
}

/** The 32-bit number behind `uniqueIdFor(seed, n)` (its last 7 characters, in base 36). */
export function uniqueNumberFor(seed: number, n: number): number {
  return mix32((n + fnv1a(`stream:${seed >>> 0}`)) >>> 0);
}

export interface FailureStreamOptions {
  /** Timestamp of each failure; by default one second apart from 2026-01-01T00:00:00Z, so streams are reproducible. */
  now?: (index: number) => string;
  /** Restricts the templates drawn from (all five by default). */
  templates?: readonly TemplateName[];
}

const STREAM_EPOCH_MS = Date.UTC(2026, 0, 1);

/** An endless, reproducible sequence of valid failures over a size's targets: same seed, same sequence. */
export function* failureStream(
  seed: number,
  size: RepoSize,
  options: FailureStreamOptions = {},
): Generator<FailureInput, never, undefined> {
  const rng = mulberry32(seed);
  const names = options.templates ?? TEMPLATE_NAMES;
  const targetsByType = new Map<string, SyntheticTarget[]>();
  for (const target of syntheticTargets(size)) {
    targetsByType.set(target.cfnType, [...(targetsByType.get(target.cfnType) ?? []), target]);
  }
  const now = options.now ?? ((i: number) => new Date(STREAM_EPOCH_MS + i * 1000).toISOString());
  for (let n = 0; ; n++) {
    const template = rng.pick(names);
    const target = rng.pick(targetsByType.get(TEMPLATES[template].resourceType) ?? []);
    yield makeFailure({
      template,
      target,
      uniqueId: uniqueIdFor(seed, n),
      size,
      failedAt: now(n),
      severity: rng.pick(SEVERITIES),
    });
  }
}
