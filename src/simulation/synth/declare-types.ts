/**
 * Per Terraform type: which attribute carries a resource's identity where the locate step looks for it
 * (bucket, name, identifier or tags.Name), the arguments a minimal valid block needs, and which `current_state`
 * keys are real arguments of the type (copied verbatim when their value has the right kind).
 */
import { hclString } from './hcl-text.js';

type Kind = 'boolean' | 'number' | 'string';

export interface DeclareContext {
  identity: string;
  label: string;
  account: string;
  region: string;
  currentState: Readonly<Record<string, unknown>>;
}

export interface TypeSpec {
  /** Attribute holding the identity literally; `undefined` when only tags.Name can carry it. */
  identityAttribute: 'bucket' | 'name' | 'identifier' | undefined;
  /** Whether the type takes `tags`; when it does, tags.Name always repeats the identity. */
  tags: boolean;
  /** Extra required arguments and blocks, as indented HCL lines. */
  body?: (ctx: DeclareContext) => string[];
  state?: Readonly<Record<string, Kind>>;
}

const json = (lines: string[]): string[] => lines.map((line) => `  ${line}`);

const ASSUME_EC2 = json([
  'assume_role_policy = jsonencode({',
  '  Version = "2012-10-17"',
  '  Statement = [{',
  '    Effect    = "Allow"',
  '    Principal = { Service = "ec2.amazonaws.com" }',
  '    Action    = "sts:AssumeRole"',
  '  }]',
  '})',
]);

function securityGroupBody(ctx: DeclareContext): string[] {
  const cidr = typeof ctx.currentState.ssh_cidr === 'string' ? ctx.currentState.ssh_cidr : '0.0.0.0/0';
  // AWS refuses group names starting with "sg-", so an id-named group keeps its identity in tags.Name only.
  const name = ctx.identity.startsWith('sg-') ? [] : [`  name        = ${hclString(ctx.identity)}`];
  return [
    ...name,
    '  description = "Imported by TerraFix"',
    '',
    '  ingress {',
    '    description = "SSH"',
    '    from_port   = 22',
    '    to_port     = 22',
    '    protocol    = "tcp"',
    `    cidr_blocks = [${hclString(cidr)}]`,
    '  }',
    '',
    '  egress {',
    '    from_port   = 0',
    '    to_port     = 0',
    '    protocol    = "-1"',
    '    cidr_blocks = ["0.0.0.0/0"]',
    '  }',
  ];
}

export const TYPE_SPECS: Readonly<Record<string, TypeSpec>> = {
  aws_s3_bucket: { identityAttribute: 'bucket', tags: true, body: () => ['  force_destroy = false'] },
  aws_s3_bucket_policy: {
    identityAttribute: 'bucket',
    tags: false,
    body: () => json(['policy = jsonencode({', '  Version   = "2012-10-17"', '  Statement = []', '})']),
  },
  aws_iam_role: {
    identityAttribute: 'name',
    tags: true,
    body: () => ASSUME_EC2,
    state: { max_session_duration: 'number' },
  },
  aws_iam_user: { identityAttribute: 'name', tags: true },
  aws_iam_group: { identityAttribute: 'name', tags: false },
  aws_iam_policy: {
    identityAttribute: 'name',
    tags: true,
    body: () =>
      json([
        'policy = jsonencode({',
        '  Version   = "2012-10-17"',
        '  Statement = [{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }]',
        '})',
      ]),
  },
  aws_security_group: { identityAttribute: undefined, tags: true, body: securityGroupBody },
  aws_instance: {
    identityAttribute: undefined,
    tags: true,
    body: () => ['  ami           = "ami-0123456789abcdef0"', '  instance_type = "t3.micro"'],
    state: { monitoring: 'boolean', ebs_optimized: 'boolean' },
  },
  aws_ebs_volume: {
    identityAttribute: undefined,
    tags: true,
    body: (ctx) => [`  availability_zone = ${hclString(`${ctx.region}a`)}`, '  size              = 20'],
    state: { encrypted: 'boolean' },
  },
  aws_vpc: { identityAttribute: undefined, tags: true, body: () => ['  cidr_block = "10.0.0.0/16"'] },
  aws_subnet: {
    identityAttribute: undefined,
    tags: true,
    body: () => ['  vpc_id     = "vpc-0123456789abcdef0"', '  cidr_block = "10.0.1.0/24"'],
  },
  aws_db_instance: {
    identityAttribute: 'identifier',
    tags: true,
    body: () => [
      '  engine                      = "postgres"',
      '  instance_class              = "db.t3.medium"',
      '  allocated_storage           = 20',
      '  username                    = "app_admin"',
      '  manage_master_user_password = true',
      '  skip_final_snapshot         = true',
    ],
    state: {
      storage_encrypted: 'boolean',
      publicly_accessible: 'boolean',
      multi_az: 'boolean',
      deletion_protection: 'boolean',
      backup_retention_period: 'number',
      iam_database_authentication_enabled: 'boolean',
      auto_minor_version_upgrade: 'boolean',
    },
  },
  aws_rds_cluster: {
    identityAttribute: undefined,
    tags: true,
    body: (ctx) => [
      `  cluster_identifier          = ${hclString(ctx.identity)}`,
      '  engine                      = "aurora-postgresql"',
      '  master_username             = "app_admin"',
      '  manage_master_user_password = true',
      '  skip_final_snapshot         = true',
    ],
    state: {
      storage_encrypted: 'boolean',
      deletion_protection: 'boolean',
      backup_retention_period: 'number',
    },
  },
  aws_dynamodb_table: {
    identityAttribute: 'name',
    tags: true,
    body: () => [
      '  billing_mode = "PAY_PER_REQUEST"',
      '  hash_key     = "id"',
      '',
      '  attribute {',
      '    name = "id"',
      '    type = "S"',
      '  }',
    ],
    state: { deletion_protection_enabled: 'boolean' },
  },
  aws_lambda_function: {
    identityAttribute: undefined,
    tags: true,
    body: (ctx) => [
      `  function_name = ${hclString(ctx.identity)}`,
      `  role          = ${hclString(`arn:aws:iam::${ctx.account}:role/${ctx.label}-lambda`)}`,
      '  runtime       = "nodejs20.x"',
      '  handler       = "index.handler"',
      `  filename      = "build/${ctx.label}.zip"`,
    ],
  },
  aws_kms_key: {
    identityAttribute: undefined,
    tags: true,
    body: () => ['  description = "Imported by TerraFix"'],
    state: { enable_key_rotation: 'boolean' },
  },
  aws_sns_topic: { identityAttribute: 'name', tags: true },
  aws_sqs_queue: { identityAttribute: 'name', tags: true, state: { sqs_managed_sse_enabled: 'boolean' } },
  aws_cloudtrail: {
    identityAttribute: 'name',
    tags: true,
    body: (ctx) => [`  s3_bucket_name = ${hclString(`${ctx.account}-cloudtrail-logs`)}`],
    state: { is_multi_region_trail: 'boolean', enable_log_file_validation: 'boolean' },
  },
  aws_lb: {
    identityAttribute: 'name',
    tags: true,
    body: () => [
      '  load_balancer_type = "application"',
      '  subnets            = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]',
    ],
  },
  aws_ecr_repository: { identityAttribute: 'name', tags: true, state: { image_tag_mutability: 'string' } },
  aws_eks_cluster: {
    identityAttribute: 'name',
    tags: true,
    body: (ctx) => [
      `  role_arn = ${hclString(`arn:aws:iam::${ctx.account}:role/${ctx.label}-eks`)}`,
      '',
      '  vpc_config {',
      '    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]',
      '  }',
    ],
  },
  aws_elasticache_replication_group: {
    identityAttribute: undefined,
    tags: true,
    body: (ctx) => [
      `  replication_group_id = ${hclString(ctx.identity)}`,
      '  description          = "Imported by TerraFix"',
      '  node_type            = "cache.t3.micro"',
    ],
    state: { at_rest_encryption_enabled: 'boolean', transit_encryption_enabled: 'boolean' },
  },
  aws_cloudwatch_log_group: { identityAttribute: 'name', tags: true, state: { retention_in_days: 'number' } },
  aws_secretsmanager_secret: { identityAttribute: 'name', tags: true },
};

/** Types with a Terraform mapping but no entry above get the name attribute and tags.Name. */
export const GENERIC_SPEC: TypeSpec = { identityAttribute: 'name', tags: true };

/** `key = value` lines for the current_state entries that are real arguments of the type. */
export function stateLines(spec: TypeSpec, currentState: Readonly<Record<string, unknown>>): string[] {
  const lines: string[] = [];
  for (const [key, kind] of Object.entries(spec.state ?? {})) {
    const value = currentState[key];
    if (typeof value !== kind) continue;
    if (kind === 'number' && !Number.isFinite(value)) continue;
    lines.push(`  ${key} = ${typeof value === 'string' ? hclString(value) : String(value)}`);
  }
  return lines;
}
