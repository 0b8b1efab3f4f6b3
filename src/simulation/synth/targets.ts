/**
 * The resources load payloads name: where each lives in a synthetic repository and what identifies it.
 * Pure (no Node APIs), so the payload templates and k6 scripts can list targets without generating files.
 */
import type { RepoSize } from '../../pipeline/failure.js';
import { ACCOUNT_ID, LAYOUTS, ORG, REGION, SIZE_DIGIT } from './layout.js';
import { fnv1a, mulberry32 } from './prng.js';

export interface SyntheticTarget {
  cfnType: string;
  tfType: string;
  /** Terraform address, `aws_s3_bucket.exports_00` or `module.payments.aws_s3_bucket.exports_01`. */
  address: string;
  /** File that declares the block. */
  path: string;
  /** The identity a failure carries: last ARN segment and `resource_details.name`. */
  name: string;
  arn: string;
}

export const TARGET_KINDS = ['s3', 'iam', 'sg', 'rds'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Where a target is rendered; internal to the generator. */
export interface TargetPlan extends SyntheticTarget {
  kind: TargetKind;
  /** `root` or a team name (module folder). */
  unit: string;
  label: string;
  /** Picks one of a few renderings (heredoc vs jsonencode, engine, ...), fixed per target. */
  variant: number;
  /** Human part of the name, e.g. `exports`; security groups keep a readable `name` apart from their id. */
  purpose: string;
  /** Literal `name` of a security group (its identity is the id in tags.Name). */
  displayName: string;
}

interface KindSpec {
  cfnType: string;
  tfType: string;
  rootFile: string;
  purposes: readonly string[];
}

const KINDS: Readonly<Record<TargetKind, KindSpec>> = {
  s3: {
    cfnType: 'AWS::S3::Bucket',
    tfType: 'aws_s3_bucket',
    rootFile: 's3.tf',
    purposes: ['exports', 'uploads', 'reports', 'archive', 'media', 'backups', 'statements', 'datasets'],
  },
  iam: {
    cfnType: 'AWS::IAM::Role',
    tfType: 'aws_iam_role',
    rootFile: 'iam.tf',
    purposes: ['deployer', 'reader', 'ci-runner', 'etl', 'support', 'auditor', 'batch', 'operator'],
  },
  sg: {
    cfnType: 'AWS::EC2::SecurityGroup',
    tfType: 'aws_security_group',
    rootFile: 'security_groups.tf',
    purposes: ['bastion', 'jumpbox', 'admin', 'legacy-ssh', 'ops-access', 'debug'],
  },
  rds: {
    cfnType: 'AWS::RDS::DBInstance',
    tfType: 'aws_db_instance',
    rootFile: 'rds.tf',
    purposes: ['orders', 'ledger', 'accounts', 'catalog', 'sessions', 'reporting'],
  },
};

export function kindSpec(kind: TargetKind): KindSpec {
  return KINDS[kind];
}

function arnFor(kind: TargetKind, name: string, variant: number): string {
  switch (kind) {
    case 's3':
      return `arn:aws:s3:::${name}`;
    case 'iam':
      return `arn:aws:iam::${ACCOUNT_ID}:role${rolePath(variant)}${name}`;
    case 'sg':
      return `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:security-group/${name}`;
    case 'rds':
      return `arn:aws:rds:${REGION}:${ACCOUNT_ID}:db:${name}`;
  }
}

/** Some roles live under a path; the ARN carries it, the name does not. */
export function rolePath(variant: number): string {
  return variant === 2 ? '/service/' : '/';
}

/** Security group ids: `sg-` + size digit + 7 hex, unique within the size. */
function securityGroupIds(size: RepoSize, count: number): string[] {
  const rng = mulberry32(fnv1a(`sg-ids:${size}`));
  const ids = new Set<string>();
  while (ids.size < count) {
    const hex = Math.floor(rng.next() * 0x10000000)
      .toString(16)
      .padStart(7, '0');
    ids.add(`sg-${SIZE_DIGIT[size]}${hex}`);
  }
  return [...ids];
}

const plans = new Map<RepoSize, readonly TargetPlan[]>();

/** Every target of a size with its placement; deterministic and memoised. */
export function planTargets(size: RepoSize): readonly TargetPlan[] {
  const cached = plans.get(size);
  if (cached !== undefined) return cached;
  const layout = LAYOUTS[size];
  const sgIds = securityGroupIds(size, layout.targetsPerKind);
  const result: TargetPlan[] = [];
  for (const kind of TARGET_KINDS) {
    const spec = KINDS[kind];
    for (let i = 0; i < layout.targetsPerKind; i++) {
      // Even targets at the root, odd ones spread over the team modules.
      const unit = i % 2 === 0 ? 'root' : (layout.teams[(i >> 1) % layout.teams.length] ?? 'root');
      const owner = unit === 'root' ? 'core' : unit;
      const purpose = spec.purposes[i % spec.purposes.length] ?? 'shared';
      const nn = String(i).padStart(2, '0');
      const label = `${purpose.replaceAll('-', '_')}_${nn}`;
      const displayName = `${ORG}-${size}-${owner}-${purpose}-${nn}`;
      const name = kind === 'sg' ? (sgIds[i] ?? displayName) : displayName;
      const variant = i % 3;
      const path = unit === 'root' ? spec.rootFile : `modules/${unit}/main.tf`;
      const address = unit === 'root' ? `${spec.tfType}.${label}` : `module.${unit}.${spec.tfType}.${label}`;
      result.push({
        cfnType: spec.cfnType,
        tfType: spec.tfType,
        address,
        path,
        name,
        arn: arnFor(kind, name, variant),
        kind,
        unit,
        label,
        variant,
        purpose,
        displayName,
      });
    }
  }
  const frozen = Object.freeze(result.map((plan) => Object.freeze(plan)));
  plans.set(size, frozen);
  return frozen;
}

const publicTargets = new Map<RepoSize, readonly SyntheticTarget[]>();

/** The targets of a size (what `syntheticRepository(size).targets` holds), without generating any file. */
export function syntheticTargets(size: RepoSize): readonly SyntheticTarget[] {
  const cached = publicTargets.get(size);
  if (cached !== undefined) return cached;
  const list = Object.freeze(
    planTargets(size).map(({ cfnType, tfType, address, path, name, arn }) =>
      Object.freeze({ cfnType, tfType, address, path, name, arn }),
    ),
  );
  publicTargets.set(size, list);
  return list;
}
