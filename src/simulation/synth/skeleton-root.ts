/** The root module's fixed files: providers, variables, shared locals and lookups, outputs, the network. */
import type { RepoSize } from '../../pipeline/failure.js';
import { interp } from './hcl-text.js';
import { LAYOUTS, ORG, REGION } from './layout.js';

export function providersTf(size: RepoSize): string {
  return `/*
 * Provider and backend settings. Bump the AWS provider in its own pull request:
 * minor releases have changed defaults of S3 and RDS arguments before.
 */
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }

  # State lives in the shared tooling account; the lock table prevents concurrent applies.
  backend "s3" {
    bucket         = "${ORG}-terraform-state-${size}"
    key            = "platform/terraform.tfstate"
    region         = "${REGION}"
    dynamodb_table = "${ORG}-terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Repository = "${ORG}/platform-infrastructure"
      Owner      = "platform-team"
    }
  }
}
`;
}

export function variablesTf(): string {
  return `variable "region" {
  description = "AWS region to deploy into"
  type        = string
  default     = "${REGION}"
}

variable "project" {
  description = "Short project name, used as the first part of resource names"
  type        = string
  default     = "${ORG}"
}

variable "environment" {
  description = "Deployment environment"
  type        = string
  default     = "staging"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the main VPC"
  type        = string
  default     = "10.20.0.0/16"
}

variable "availability_zones" {
  type    = list(string)
  default = ["${REGION}a", "${REGION}b", "${REGION}c"]
}

variable "private_subnets" {
  description = "Private subnet CIDR per availability zone"
  type        = map(string)
  default = {
    "${REGION}a" = "10.20.10.0/24"
    "${REGION}b" = "10.20.11.0/24"
  }
}

variable "allowed_ports" {
  description = "Service ports reachable from inside the VPC"
  type        = list(number)
  default     = [443, 8443]
}

// Kept short outside production; the central log archive holds the long-term copy.
variable "log_retention_days" {
  type    = number
  default = 30
}

variable "readonly_policy_arns" {
  description = "Managed policies granted to the operator role"
  type        = list(string)
  default = [
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AWSSupportAccess",
  ]
}
`;
}

/** main.tf: lookups, locals and one module call per team. */
export function mainTf(size: RepoSize): string {
  const layout = LAYOUTS[size];
  const network = layout.vpcModule
    ? { vpcId: 'module.vpc.vpc_id', subnets: 'module.vpc.private_subnet_ids' }
    : { vpcId: 'aws_vpc.main.id', subnets: '[for subnet in aws_subnet.private : subnet.id]' };
  const modules = layout.teams.map(
    (team) => `module "${team}" {
  source = "./modules/${team}"

  name_prefix        = "${interp('local.name_prefix')}-${team}"
  environment        = var.environment
  vpc_id             = local.vpc_id
  vpc_cidr           = var.vpc_cidr
  subnet_ids         = local.private_subnet_ids
  allowed_ports      = var.allowed_ports
  log_retention_days = var.log_retention_days
  tags               = local.common_tags
}
`,
  );
  return [
    `# Root module of the ${ORG} platform. Shared lookups and locals live here; each AWS service
# has its own file, and every team owns a module under modules/.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

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
  name_prefix        = "${interp('var.project')}-${interp('var.environment')}"
  account_id         = data.aws_caller_identity.current.account_id
  vpc_id             = ${network.vpcId}
  private_subnet_ids = ${network.subnets}

  common_tags = {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
    CostCenter  = "platform-${interp('var.environment')}"
  }
}
`,
    ...modules,
  ].join('\n');
}

/** network.tf: a VPC module call, or for the small layout a VPC and subnets declared in place. */
export function networkTf(size: RepoSize): string {
  if (LAYOUTS[size].vpcModule) {
    return `module "vpc" {
  source = "./modules/vpc"

  name               = local.name_prefix
  cidr_block         = var.vpc_cidr
  azs                = var.availability_zones
  single_nat_gateway = var.environment != "prod" # one NAT is enough outside production
  tags               = local.common_tags
}
`;
  }
  return `resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(local.common_tags, { Name = local.name_prefix })
}

resource "aws_subnet" "private" {
  for_each = var.private_subnets

  vpc_id            = aws_vpc.main.id
  cidr_block        = each.value
  availability_zone = each.key

  tags = merge(local.common_tags, { Name = "${interp('local.name_prefix')}-private-${interp('each.key')}", Tier = "private" })
}
`;
}

/** Root-level DB subnet group, shared by the root databases (medium and large only). */
export function rootDbSubnetGroup(): string {
  return `resource "aws_db_subnet_group" "main" {
  name       = "${interp('local.name_prefix')}-main"
  subnet_ids = local.private_subnet_ids

  tags = local.common_tags
}`;
}

/** Grants managed read-only policies to a role, one attachment per ARN (count over a list). */
export function operatorAttachment(roleLabel: string): string {
  return `resource "aws_iam_role_policy_attachment" "${roleLabel}_managed" {
  count = length(var.readonly_policy_arns)

  role       = aws_iam_role.${roleLabel}.name
  policy_arn = var.readonly_policy_arns[count.index]
}`;
}

export function outputsTf(size: RepoSize, teamOutputs: ReadonlyMap<string, readonly string[]>): string {
  const teamBlocks = LAYOUTS[size].teams.flatMap((team) =>
    (teamOutputs.get(team) ?? []).map(
      (output) => `output "${team}_${output}" {
  value = module.${team}.${output}
}
`,
    ),
  );
  return [
    `output "account_id" {
  value = local.account_id
}
`,
    `output "vpc_id" {
  description = "VPC every service runs in"
  value       = local.vpc_id
}
`,
    `output "private_subnet_ids" {
  value = local.private_subnet_ids
}
`,
    ...teamBlocks,
  ].join('\n');
}
