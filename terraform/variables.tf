# Variables. The product guide's (docs/deployment.md, "Configure Terraform variables") come first; the rest have
# defaults a production deployment can start from.

# ---- AWS and naming ----------------------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region for every resource, and the region the service calls Bedrock from (AWS_REGION)."
  type        = string
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region code such as us-west-2."
  }
}

variable "environment" {
  description = "Environment name; resources are named terrafix-<environment> (cluster, service, /ecs/terrafix-<environment> log group)."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.environment))
    error_message = "environment must be 1-20 characters: lower-case letters, digits and '-', starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

# ---- Credentials: optional here, never defaulted -----------------------------------------------------------
# Terraform creates one Secrets Manager secret per credential and injects it into the task as a container
# secret. Give a value here (terraform.tfvars, or TF_VAR_github_token=... in the environment) and Terraform writes
# it with a write-only argument, so it is not stored in state; or leave it null and put the value yourself:
#   aws secretsmanager put-secret-value --secret-id <arn from the secret_arns output> --secret-string ...

variable "vanta_api_token" {
  description = "Pre-minted Vanta OAuth token (scope vanta-api.all:read), injected as VANTA_API_TOKEN. Setting it selects vanta_auth_mode = \"token\"."
  type        = string
  default     = null
  sensitive   = true
}

variable "vanta_client_id" {
  description = "Vanta OAuth client id, injected as VANTA_CLIENT_ID (vanta_auth_mode = \"client_credentials\")."
  type        = string
  default     = null
  sensitive   = true
}

variable "vanta_client_secret" {
  description = "Vanta OAuth client secret, injected as VANTA_CLIENT_SECRET (vanta_auth_mode = \"client_credentials\")."
  type        = string
  default     = null
  sensitive   = true
}

variable "vanta_auth_mode" {
  description = "How the service authenticates to Vanta: \"client_credentials\" (VANTA_CLIENT_ID + VANTA_CLIENT_SECRET; the service mints and refreshes tokens) or \"token\" (VANTA_API_TOKEN). Null: \"token\" when vanta_api_token is set, otherwise \"client_credentials\"."
  type        = string
  default     = null

  validation {
    condition     = var.vanta_auth_mode == null || contains(["client_credentials", "token"], coalesce(var.vanta_auth_mode, "token"))
    error_message = "vanta_auth_mode must be \"client_credentials\" or \"token\"."
  }
}

variable "github_token" {
  description = "GitHub token with repo scope (contents and pull requests write on the mapped repositories), injected as GITHUB_TOKEN."
  type        = string
  default     = null
  sensitive   = true
}

variable "webhook_secret" {
  description = "HMAC-SHA256 key for signed webhooks to the API server, injected as TERRAFIX_WEBHOOK_SECRET (only with enable_api_server)."
  type        = string
  default     = null
  sensitive   = true
}

variable "secret_values_version" {
  description = "Bump to write changed credential values from the variables above to Secrets Manager (write-only arguments are only sent when this changes)."
  type        = number
  default     = 1
}

variable "secrets_kms_key_arn" {
  description = "Customer-managed KMS key for the secrets; null uses the AWS-managed aws/secretsmanager key."
  type        = string
  default     = null
}

variable "secrets_recovery_window_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once; 7-30 otherwise)."
  type        = number
  default     = 7

  validation {
    condition     = var.secrets_recovery_window_days == 0 || (var.secrets_recovery_window_days >= 7 && var.secrets_recovery_window_days <= 30)
    error_message = "secrets_recovery_window_days must be 0 or 7-30."
  }
}

# ---- Networking --------------------------------------------------------------------------------------------

variable "vpc_id" {
  description = "VPC for the tasks, Redis and the optional internal load balancer."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "subnet_ids" {
  description = "Private subnets (at least two, in different availability zones) for the tasks, Redis and the internal load balancer. Tasks get no public IP: the subnets need a NAT gateway (or VPC endpoints) to reach ECR, Secrets Manager, CloudWatch Logs, Bedrock, Vanta and GitHub."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must list at least two subnet ids (subnet-...), in different availability zones."
  }
}

# ---- Application configuration (container environment) -----------------------------------------------------

variable "github_repo_mapping" {
  description = "GITHUB_REPO_MAPPING: which repository holds the Terraform for which resource, as an object (or a JSON string): { default = \"org/repo\", \"arn:aws:s3:::bucket\" = \"org/other\" }."
  type        = any
  default     = { default = "" }

  validation {
    condition = can(tomap(try(jsondecode(var.github_repo_mapping), var.github_repo_mapping))) && alltrue([
      for repo in values(try(jsondecode(var.github_repo_mapping), var.github_repo_mapping)) :
      can(regex("^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?$", repo))
    ])
    error_message = "github_repo_mapping must map patterns to \"owner/name\" (an object, or a JSON string of one)."
  }
}

variable "terraform_path" {
  description = "TERRAFORM_PATH: directory of the Terraform inside the mapped repositories."
  type        = string
  default     = "."
}

variable "poll_interval_seconds" {
  description = "POLL_INTERVAL_SECONDS: how often the service polls Vanta for failing tests."
  type        = number
  default     = 300

  validation {
    condition     = var.poll_interval_seconds >= 1
    error_message = "poll_interval_seconds must be at least 1."
  }
}

variable "state_retention_days" {
  description = "STATE_RETENTION_DAYS: how long per-failure state records are kept in Redis."
  type        = number
  default     = 7

  validation {
    condition     = var.state_retention_days >= 1 && var.state_retention_days <= 3650
    error_message = "state_retention_days must be 1-3650."
  }
}

variable "max_concurrent_workers" {
  description = "MAX_CONCURRENT_WORKERS: failures one task processes at once."
  type        = number
  default     = 3

  validation {
    condition     = var.max_concurrent_workers >= 1 && var.max_concurrent_workers <= 10
    error_message = "max_concurrent_workers must be 1-10."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of the containers."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "CRITICAL", "FATAL"], upper(var.log_level))
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN(ING), ERROR, CRITICAL, FATAL."
  }
}

variable "bedrock_model_id" {
  description = "BEDROCK_MODEL_ID: a cross-region inference profile id (us./eu./apac./jp./au./global. + model id), an inference profile ARN, or a bare model id (only for models offered on demand in aws_region). Recent Claude models are served through inference profiles only."
  type        = string
  default     = "us.anthropic.claude-opus-4-5-20251101-v1:0"
}

variable "bedrock_destination_regions" {
  description = "Regions the inference profile routes to (the task role may invoke the foundation model there, only through the profile). Null: the geography's usual regions (locals.tf); check the model's page in the Bedrock docs, profiles differ per model."
  type        = list(string)
  default     = null
}

variable "bedrock_foundation_model_id" {
  description = "Foundation model behind bedrock_model_id when that is an ARN (application inference profiles do not name their model)."
  type        = string
  default     = null
}

variable "extra_environment" {
  description = "More non-secret environment variables for the service container (e.g. TERRAFIX_MAX_OPEN_PRS, VANTA_BASE_URL, GITHUB_API_URL). Names that look like credentials are rejected: those belong in Secrets Manager."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_environment) : !can(regex("(?i)(token|secret|password|passwd|credential|private_key|api_key|auth)", k))])
    error_message = "extra_environment must not carry credentials (names containing TOKEN, SECRET, PASSWORD, KEY, AUTH...): use Secrets Manager."
  }
}

# ---- Image and sizing --------------------------------------------------------------------------------------

variable "ecr_keep_images" {
  description = "Tagged images the ECR lifecycle policy keeps (the newest ones); untagged images go after 7 days."
  type        = number
  default     = 30
}

variable "image_tag" {
  description = "Tag of the image in the ECR repository to run. Tags are immutable: each release pushes a new tag (e.g. the git commit) and sets it here."
  type        = string
  default     = "latest"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid image tag."
  }
}

variable "cpu" {
  description = "Task CPU units (1024 = 1 vCPU)."
  type        = number
  default     = 2048

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Task memory (MiB); must be a valid Fargate combination with cpu."
  type        = number
  default     = 4096

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880
    error_message = "memory must be 512-122880 MiB."
  }
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64; the image must be built for it."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "ephemeral_storage_gib" {
  description = "Task ephemeral storage (GiB, 21-200): cloned repositories and terraform working directories live here."
  type        = number
  default     = 30

  validation {
    condition     = var.ephemeral_storage_gib >= 21 && var.ephemeral_storage_gib <= 200
    error_message = "ephemeral_storage_gib must be 21-200."
  }
}

variable "desired_count" {
  description = "Replicas of the service. They share the Redis queue and elect one poller, so two or more are safe and survive the loss of a task or an availability zone."
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= 1
    error_message = "desired_count must be at least 1 (2 or more in production)."
  }
}

variable "readonly_root_filesystem" {
  description = "Run the containers with a read-only root filesystem. Off until the service's write paths (workspace cache, terraform data) are mounted as volumes."
  type        = bool
  default     = false
}

# ---- Redis / ElastiCache -----------------------------------------------------------------------------------

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t3.micro"
}

variable "redis_snapshot_retention_days" {
  description = "Days ElastiCache keeps daily snapshots (0 disables them)."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_snapshot_retention_days >= 0 && var.redis_snapshot_retention_days <= 35
    error_message = "redis_snapshot_retention_days must be 0-35."
  }
}

variable "redis_num_cache_clusters" {
  description = "Redis nodes (primary + replicas). 2 or more enables automatic failover across availability zones."
  type        = number
  default     = 2

  validation {
    condition     = var.redis_num_cache_clusters >= 1 && var.redis_num_cache_clusters <= 6
    error_message = "redis_num_cache_clusters must be 1-6."
  }
}

variable "redis_engine_version" {
  description = "Redis OSS engine version (7.x: the queue needs 6.2 or later)."
  type        = string
  default     = "7.1"
}

# ---- API server (optional) ---------------------------------------------------------------------------------

variable "enable_api_server" {
  description = "Also run the API server (webhook intake, port 8081) as a second service behind an internal load balancer."
  type        = bool
  default     = false
}

variable "api_server_desired_count" {
  description = "Replicas of the API server."
  type        = number
  default     = 2

  validation {
    condition     = var.api_server_desired_count >= 1
    error_message = "api_server_desired_count must be at least 1."
  }
}

variable "api_server_mock_mode" {
  description = "Run the deployed API server in mock mode (simulated Vanta, git, Bedrock, GitHub) as a load-test target. It then keeps its state in memory, away from the service's Redis."
  type        = bool
  default     = false
}

variable "api_server_allowed_cidrs" {
  description = "CIDR blocks allowed to reach the internal load balancer. Null: the VPC's own CIDR block."
  type        = list(string)
  default     = null
}

variable "api_server_certificate_arn" {
  description = "ACM certificate for an HTTPS listener (443) on the internal load balancer; null serves plain HTTP on port 80 inside the VPC."
  type        = string
  default     = null
}

# ---- Monitoring --------------------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "CloudWatch Logs retention of /ecs/terrafix-<environment>."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer-managed KMS key for the log group; null uses CloudWatch Logs' default encryption."
  type        = string
  default     = null
}

variable "container_insights" {
  description = "Container Insights on the cluster: \"enabled\" or \"enhanced\" (the restart and task-count alarms read its metrics)."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced"], var.container_insights)
    error_message = "container_insights must be \"enabled\" or \"enhanced\": the alarms need its metrics."
  }
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified when an alarm fires and when it recovers."
  type        = list(string)
  default     = []
}

variable "queue_depth_alarm_threshold" {
  description = "Alarm when the shared queue holds at least this many waiting failures for 15 minutes."
  type        = number
  default     = 100
}

variable "failed_remediations_alarm_threshold" {
  description = "Alarm when at least this many remediations end as failed within 15 minutes."
  type        = number
  default     = 5
}

variable "container_restarts_alarm_threshold" {
  description = "Alarm when containers restart at least this many times within 15 minutes."
  type        = number
  default     = 2
}
