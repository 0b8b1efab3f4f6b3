# ElastiCache Redis (OSS) for the shared queue, the dedup state and the poller lease: TLS in transit, encrypted at
# rest, AUTH token, primary + replica across availability zones, in the tasks' subnets, reachable only from
# the tasks.

locals {
  redis_port = 6379
}

resource "aws_elasticache_subnet_group" "redis" {
  name        = "${local.name}-redis"
  description = "TerraFix ${var.environment} Redis"
  subnet_ids  = var.subnet_ids
}

# The queue (BullMQ) must never lose keys to eviction: a full Redis must refuse writes (the service then backs
# off and /ready turns 503) rather than silently drop queued jobs.
resource "aws_elasticache_parameter_group" "redis" {
  name        = "${local.name}-redis7"
  family      = "redis7"
  description = "TerraFix: noeviction (queue keys must not be evicted)"

  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

# The AUTH token: 64 alphanumeric characters from Secrets Manager's generator, kept once in terraform_data (the
# data source draws a new one on every plan; later draws are ignored). ElastiCache's API takes it as a plain
# argument, so it is in state: keep state encrypted and access-controlled (versions.tf). Rotation:
# docs/deployment.md.
data "aws_secretsmanager_random_password" "redis_auth_token" {
  password_length     = 64
  exclude_punctuation = true
  include_space       = false
}

resource "terraform_data" "redis_auth_token" {
  input = data.aws_secretsmanager_random_password.redis_auth_token.random_password

  lifecycle {
    ignore_changes = [input]
  }
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "${local.name}-redis"
  description          = "TerraFix ${var.environment}: queue, dedup state, poller lease"

  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = var.redis_node_type
  num_cache_clusters   = var.redis_num_cache_clusters
  parameter_group_name = aws_elasticache_parameter_group.redis.name
  port                 = local.redis_port

  automatic_failover_enabled = var.redis_num_cache_clusters >= 2
  multi_az_enabled           = var.redis_num_cache_clusters >= 2

  subnet_group_name  = aws_elasticache_subnet_group.redis.name
  security_group_ids = [aws_security_group.redis.id]

  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  auth_token                 = terraform_data.redis_auth_token.output
  # A new token is added next to the old one (tasks still holding the old URL keep working until redeployed).
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = var.redis_snapshot_retention_days
  snapshot_window            = "03:00-04:00"
  maintenance_window         = "sun:05:00-sun:06:00"
  auto_minor_version_upgrade = true
  apply_immediately          = false
}
