/**
 * Target blocks: literal identifying values (bucket, name, tags.Name, identifier) so the locate step finds them,
 * and the non-compliant settings the five payload templates complain about.
 */
import { hclString, interp, type Scope } from './hcl-text.js';
import type { TargetPlan } from './targets.js';

/** The resource block of one target, with a leading comment. */
export function renderTarget(plan: TargetPlan, scope: Scope): string {
  switch (plan.kind) {
    case 's3':
      return s3Bucket(plan, scope);
    case 'iam':
      return iamRole(plan, scope);
    case 'sg':
      return securityGroup(plan, scope);
    case 'rds':
      return dbInstance(plan, scope);
  }
}

// Deliberately without aws_s3_bucket_versioning or aws_s3_bucket_public_access_block companions:
// those are what the s3-* templates ask the fix to add.
function s3Bucket(plan: TargetPlan, scope: Scope): string {
  const lines = [
    `# Bucket for ${plan.purpose}; the name is fixed because other accounts read from it.`,
    `resource "aws_s3_bucket" "${plan.label}" {`,
    `  bucket        = ${hclString(plan.name)}`,
    `  force_destroy = false`,
    '',
    `  tags = merge(${scope.tags}, {`,
    `    Purpose   = ${hclString(plan.purpose)}`,
    `    DataClass = "${plan.variant === 1 ? 'confidential' : 'internal'}"`,
    '  })',
    '}',
  ];
  return lines.join('\n');
}

function iamRole(plan: TargetPlan, scope: Scope): string {
  const path = plan.variant === 2 ? ['  path                 = "/service/"'] : [];
  const trust =
    plan.variant === 1
      ? [
          '  assume_role_policy = jsonencode({',
          '    Version = "2012-10-17"',
          '    Statement = [',
          '      {',
          '        Effect    = "Allow"',
          `        Principal = { AWS = "arn:aws:iam::${interp('data.aws_caller_identity.current.account_id')}:root" }`,
          '        Action    = "sts:AssumeRole"',
          '        Condition = {',
          '          Bool = { "aws:MultiFactorAuthPresent" = "true" }',
          '        }',
          '      },',
          '    ]',
          '  })',
        ]
      : [
          '  assume_role_policy = <<EOF',
          '{',
          '  "Version": "2012-10-17",',
          '  "Statement": [',
          '    {',
          '      "Effect": "Allow",',
          `      "Principal": { "Service": "${plan.variant === 2 ? 'ecs-tasks' : 'ec2'}.amazonaws.com" },`,
          '      "Action": "sts:AssumeRole"',
          '    }',
          '  ]',
          '}',
          'EOF',
        ];
  return [
    `# Role for the ${plan.purpose} workload. Long sessions were requested for overnight jobs (INC-2211).`,
    `resource "aws_iam_role" "${plan.label}" {`,
    `  name                 = ${hclString(plan.name)}`,
    ...path,
    `  description          = "Assumed by the ${plan.purpose} workload"`,
    '  max_session_duration = 43200',
    '',
    ...trust,
    '',
    `  tags = ${scope.tags}`,
    '}',
  ].join('\n');
}

function securityGroup(plan: TargetPlan, scope: Scope): string {
  const egress =
    plan.variant === 1
      ? [
          '  dynamic "egress" {',
          `    for_each = toset(${scope.ports})`,
          '    content {',
          '      description = "Outbound service traffic"',
          '      from_port   = egress.value',
          '      to_port     = egress.value',
          '      protocol    = "tcp"',
          '      cidr_blocks = ["0.0.0.0/0"]',
          '    }',
          '  }',
        ]
      : [
          '  egress {',
          '    description = "All outbound"',
          '    from_port   = 0',
          '    to_port     = 0',
          '    protocol    = "-1"',
          '    cidr_blocks = ["0.0.0.0/0"]',
          '  }',
        ];
  return [
    '# TODO(secops): SSH is still open to the world here; tighten once the VPN rollout is done.',
    `resource "aws_security_group" "${plan.label}" {`,
    `  name        = ${hclString(plan.displayName)}`,
    `  description = "Access for ${plan.purpose} hosts"`,
    `  vpc_id      = ${scope.vpcId}`,
    '',
    '  ingress {',
    '    description = "SSH"',
    '    from_port   = 22',
    '    to_port     = 22',
    '    protocol    = "tcp"',
    '    cidr_blocks = ["0.0.0.0/0"]',
    '  }',
    '',
    '  ingress {',
    '    description = "HTTPS from the VPC"',
    '    from_port   = 443',
    '    to_port     = 443',
    '    protocol    = "tcp"',
    `    cidr_blocks = [${scope.vpcCidr}]`,
    '  }',
    '',
    ...egress,
    '',
    '  tags = {',
    `    Name    = ${hclString(plan.name)}`,
    `    Purpose = ${hclString(plan.purpose)}`,
    '  }',
    '}',
  ].join('\n');
}

const ENGINES = [
  { engine: 'postgres', version: '15.5', instanceClass: 'db.t3.medium', port: 5432 },
  { engine: 'mysql', version: '8.0.35', instanceClass: 'db.t3.small', port: 3306 },
  { engine: 'postgres', version: '14.10', instanceClass: 'db.m6g.large', port: 5432 },
] as const;

function dbInstance(plan: TargetPlan, scope: Scope): string {
  const e = ENGINES[plan.variant] ?? ENGINES[0];
  const subnetGroup =
    scope.dbSubnetGroup === undefined ? [] : [`  db_subnet_group_name        = ${scope.dbSubnetGroup}`];
  return [
    '# Created before the encryption policy; encrypting needs a snapshot-restore, planned for Q3.',
    `resource "aws_db_instance" "${plan.label}" {`,
    `  identifier                  = ${hclString(plan.name)}`,
    `  engine                      = "${e.engine}"`,
    `  engine_version              = "${e.version}"`,
    `  instance_class              = "${e.instanceClass}"`,
    `  allocated_storage           = ${50 + plan.variant * 50}`,
    '  storage_type                = "gp3"',
    '  storage_encrypted           = false',
    `  port                        = ${e.port}`,
    '  username                    = "app_admin"',
    '  manage_master_user_password = true',
    ...subnetGroup,
    '  backup_retention_period     = 7',
    '  skip_final_snapshot         = true',
    '',
    `  tags = merge(${scope.tags}, { Database = ${hclString(plan.purpose)} })`,
    '}',
  ].join('\n');
}
