terraform {
  # 1.11: write-only arguments (secret values reach Secrets Manager without being stored in state).
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Checked against 5.100.0 (terraform validate and terraform test with a mocked provider).
      version = ">= 5.90, < 6.0"
    }
  }

  # State holds the ElastiCache auth token (its API has no write-only form): keep it in an encrypted,
  # access-controlled backend. Example (fill in, then `terraform init -migrate-state`):
  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "terrafix/prod.tfstate"
  #   region       = "us-west-2"
  #   encrypt      = true
  #   use_lockfile = true
  # }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge(var.tags, {
      Application = "terrafix"
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}
