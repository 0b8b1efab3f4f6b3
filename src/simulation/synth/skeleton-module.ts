/** The fixed parts of a team module: lookups and tags at the top of main.tf, its inputs and its outputs. */
import { interp } from './hcl-text.js';
import type { TargetKind } from './targets.js';

export function moduleMainHeader(team: string, withDbSubnetGroup: boolean): string {
  const subnetGroup = withDbSubnetGroup
    ? `
resource "aws_db_subnet_group" "this" {
  name       = "${interp('var.name_prefix')}-db"
  subnet_ids = var.subnet_ids

  tags = local.team_tags
}
`
    : '';
  return `# Resources owned by the ${team} team. Some names are literal on purpose: runbooks,
# dashboards and partner integrations refer to them, so they must not change with the environment.

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

locals {
  team_tags = merge(var.tags, { Team = "${team}" })
}
${subnetGroup}`;
}

export function moduleVariablesTf(team: string): string {
  return `variable "name_prefix" {
  description = "Prefix for the names of ${team} resources"
  type        = string
}

variable "environment" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "allowed_ports" {
  type    = list(number)
  default = [443]
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "tags" {
  type    = map(string)
  default = {}
}
`;
}

const OUTPUTS: Readonly<Record<TargetKind, { name: string; tfType: string; attribute: string }>> = {
  s3: { name: 'bucket_ids', tfType: 'aws_s3_bucket', attribute: 'id' },
  iam: { name: 'role_arns', tfType: 'aws_iam_role', attribute: 'arn' },
  sg: { name: 'security_group_ids', tfType: 'aws_security_group', attribute: 'id' },
  rds: { name: 'db_endpoints', tfType: 'aws_db_instance', attribute: 'endpoint' },
};

/** outputs.tf listing the module's literal-named resources by kind; returns the output names too. */
export function moduleOutputsTf(labels: ReadonlyMap<TargetKind, readonly string[]>): {
  text: string;
  outputs: string[];
} {
  const blocks: string[] = [];
  const outputs: string[] = [];
  for (const [kind, list] of labels) {
    if (list.length === 0) continue;
    const spec = OUTPUTS[kind];
    const refs = list.map((label) => `    ${spec.tfType}.${label}.${spec.attribute},`).join('\n');
    outputs.push(spec.name);
    blocks.push(`output "${spec.name}" {
  value = [
${refs}
  ]
}
`);
  }
  return { text: blocks.join('\n'), outputs };
}
