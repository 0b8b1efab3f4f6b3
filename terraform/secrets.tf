# One Secrets Manager secret per credential, injected into the containers as `secrets` (never `environment`).
# Values given as variables are written with write-only arguments (not stored in state); otherwise put them with
# `aws secretsmanager put-secret-value` before the first deployment (docs/deployment.md).

locals {
  api_server_real = var.enable_api_server && !var.api_server_mock_mode

  # Container variable => secret. Only the secrets a container actually reads are created.
  credential_secrets = merge(
    local.vanta_auth_mode == "token" ? {
      VANTA_API_TOKEN = { name = "vanta-api-token", description = "Vanta OAuth token (vanta-api.all:read)" }
      } : {
      VANTA_CLIENT_ID     = { name = "vanta-client-id", description = "Vanta OAuth client id" }
      VANTA_CLIENT_SECRET = { name = "vanta-client-secret", description = "Vanta OAuth client secret" }
    },
    {
      GITHUB_TOKEN = { name = "github-token", description = "GitHub token for clones, branches and pull requests" }
    },
    local.api_server_real ? {
      TERRAFIX_WEBHOOK_SECRET = { name = "webhook-secret", description = "HMAC key of signed webhooks to the API server" }
    } : {},
  )

  credential_values = {
    VANTA_API_TOKEN         = var.vanta_api_token
    VANTA_CLIENT_ID         = var.vanta_client_id
    VANTA_CLIENT_SECRET     = var.vanta_client_secret
    GITHUB_TOKEN            = var.github_token
    TERRAFIX_WEBHOOK_SECRET = var.webhook_secret
  }

  # Which credentials Terraform writes (the others are put by hand).
  credentials_given = toset([
    for k in keys(local.credential_secrets) : k if nonsensitive(local.credential_values[k] != null)
  ])
}

resource "aws_secretsmanager_secret" "credential" {
  for_each = local.credential_secrets

  name                    = "${local.name}/${each.value.name}"
  description             = "TerraFix ${var.environment}: ${each.value.description} (container variable ${each.key})"
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = var.secrets_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "credential" {
  for_each = local.credentials_given

  secret_id                = aws_secretsmanager_secret.credential[each.key].id
  secret_string_wo         = local.credential_values[each.key]
  secret_string_wo_version = var.secret_values_version
}

# REDIS_URL holds the auth token, so the whole URL is a secret: rediss://:<token>@<primary endpoint>:6379.
resource "aws_secretsmanager_secret" "redis_url" {
  name                    = "${local.name}/redis-url"
  description             = "TerraFix ${var.environment}: REDIS_URL (TLS, with the ElastiCache auth token)"
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = var.secrets_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "redis_url" {
  secret_id     = aws_secretsmanager_secret.redis_url.id
  secret_string = "rediss://:${urlencode(terraform_data.redis_auth_token.output)}@${aws_elasticache_replication_group.redis.primary_endpoint_address}:${local.redis_port}"
}

locals {
  # Container `secrets` blocks, by container.
  service_secret_names = sort(concat([for k in keys(local.credential_secrets) : k if k != "TERRAFIX_WEBHOOK_SECRET"], ["REDIS_URL"]))
  service_secrets = [
    for k in local.service_secret_names : {
      name      = k
      valueFrom = k == "REDIS_URL" ? aws_secretsmanager_secret.redis_url.arn : aws_secretsmanager_secret.credential[k].arn
    }
  ]

  # The API server enqueues into the service's Redis queue; in mock mode it keeps its state in memory instead,
  # so load tests never touch production records.
  api_server_secrets = !local.api_server_real ? [] : [
    { name = "REDIS_URL", valueFrom = aws_secretsmanager_secret.redis_url.arn },
    { name = "TERRAFIX_WEBHOOK_SECRET", valueFrom = aws_secretsmanager_secret.credential["TERRAFIX_WEBHOOK_SECRET"].arn },
  ]
}
