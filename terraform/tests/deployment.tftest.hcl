# `terraform test` against a mocked AWS provider: no credentials, no network, nothing created. Each run plans and
# "applies" the configuration with the provider's schema and checks what would be deployed.
# .ci/terraform-check runs it as: terraform test -var-file=terraform.tfvars.example
# (every run starts from the example, i.e. the product guide's values).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_vpc" {
    defaults = { cidr_block = "10.20.0.0/16" }
  }
  mock_data "aws_secretsmanager_random_password" {
    defaults = { random_password = "MockAuthToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/mock/0123456789abcdef", dns_name = "internal-mock.us-west-2.elb.amazonaws.com" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/mock/0123456789abcdef" }
  }
  # Resources validate policy JSON even under mocks; the statements themselves are asserted below.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

run "guide_values" {
  assert {
    condition     = output.ecs_cluster_name == "terrafix-prod" && output.ecs_service_name == "terrafix-prod" && output.cloudwatch_log_group == "/ecs/terrafix-prod"
    error_message = "The guide's names (cluster terrafix-prod, log group /ecs/terrafix-prod) must hold."
  }

  assert {
    condition     = aws_ecr_repository.terrafix.image_tag_mutability == "IMMUTABLE" && aws_ecr_repository.terrafix.image_scanning_configuration[0].scan_on_push
    error_message = "ECR: immutable tags and scan on push."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.service.container_definitions)[0].command == ["serve"]
    error_message = "The service runs `terrafix serve`."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.service.container_definitions)[0].user == "1000:1000"
    error_message = "The container runs as the image's non-root user."
  }

  assert {
    condition = length(setsubtract(
      ["AWS_REGION", "BEDROCK_MODEL_ID", "GITHUB_REPO_MAPPING", "LOG_LEVEL", "MAX_CONCURRENT_WORKERS", "POLL_INTERVAL_SECONDS", "STATE_RETENTION_DAYS", "TERRAFORM_PATH"],
      [for e in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].environment : e.name]
    )) == 0
    error_message = "Every non-secret variable of the guide is set in the service's environment."
  }

  assert {
    condition     = [for s in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets : s.name] == ["GITHUB_TOKEN", "REDIS_URL", "VANTA_CLIENT_ID", "VANTA_CLIENT_SECRET"]
    error_message = "Without a Vanta token the service gets the OAuth client credentials, the GitHub token and REDIS_URL as secrets."
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].environment : e.name => e.value }["GITHUB_REPO_MAPPING"] == "{\"default\":\"your-org/terraform-repo\"}"
    error_message = "GITHUB_REPO_MAPPING is the JSON form of the mapping."
  }

  assert {
    condition     = !aws_ecs_service.terrafix.network_configuration[0].assign_public_ip && aws_ecs_service.terrafix.desired_count >= 2
    error_message = "The service runs at least two replicas without public IPs."
  }

  assert {
    condition     = aws_ecs_service.terrafix.deployment_circuit_breaker[0].enable && aws_ecs_service.terrafix.deployment_circuit_breaker[0].rollback
    error_message = "Deployment circuit breaker with rollback."
  }

  assert {
    condition = (aws_elasticache_replication_group.redis.transit_encryption_enabled && aws_elasticache_replication_group.redis.at_rest_encryption_enabled
    && length(aws_elasticache_replication_group.redis.auth_token) == 64 && aws_elasticache_replication_group.redis.snapshot_retention_limit == 1)
    error_message = "Redis: TLS, encryption at rest, a 64-character auth token, the guide's snapshot retention."
  }

  assert {
    condition     = startswith(nonsensitive(aws_secretsmanager_secret_version.redis_url.secret_string), "rediss://:") && strcontains(nonsensitive(aws_secretsmanager_secret_version.redis_url.secret_string), nonsensitive(terraform_data.redis_auth_token.output))
    error_message = "REDIS_URL is a rediss:// URL carrying the auth token."
  }

  assert {
    condition     = aws_elasticache_parameter_group.redis.parameter == toset([{ name = "maxmemory-policy", value = "noeviction" }])
    error_message = "Redis must not evict queue keys."
  }

  assert {
    condition     = aws_cloudwatch_log_group.terrafix.retention_in_days == 30
    error_message = "Log retention from log_retention_days."
  }

  assert {
    condition     = length(local.credentials_given) == 0 && length(aws_secretsmanager_secret_version.credential) == 0
    error_message = "No credential given, none written."
  }

  assert {
    condition     = data.aws_iam_policy_document.bedrock.statement[0].resources == toset(["arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-opus-4-5-20251101-v1:0"])
    error_message = "Bedrock: InvokeModel on the US inference profile in aws_region."
  }

  assert {
    condition = data.aws_iam_policy_document.bedrock.statement[1].resources == toset([
      for r in ["us-east-1", "us-east-2", "us-west-1", "us-west-2"] : "arn:aws:bedrock:${r}::foundation-model/anthropic.claude-opus-4-5-20251101-v1:0"
    ])
    error_message = "Bedrock: InvokeModel on the foundation model in the profile's destination regions."
  }

  assert {
    condition = (one(data.aws_iam_policy_document.bedrock.statement[1].condition).variable == "bedrock:InferenceProfileArn"
      && one(data.aws_iam_policy_document.bedrock.statement[1].condition).test == "StringEquals"
    && tolist(one(data.aws_iam_policy_document.bedrock.statement[1].condition).values) == tolist(["arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-opus-4-5-20251101-v1:0"]))
    error_message = "Bedrock: the foundation model only through that profile."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.bedrock.statement : s.actions == toset(["bedrock:InvokeModel"])])
    error_message = "The task role may only call bedrock:InvokeModel."
  }

  assert {
    condition     = data.aws_iam_policy_document.execution["service"].statement[3].resources == toset(concat([for k, s in aws_secretsmanager_secret.credential : s.arn if k != "TERRAFIX_WEBHOOK_SECRET"], [aws_secretsmanager_secret.redis_url.arn]))
    error_message = "The execution role reads exactly the secrets the service injects."
  }

  assert {
    condition     = length(aws_ecs_service.api) == 0 && output.api_server_url == null
    error_message = "No API server unless enable_api_server."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.container_restarts) == 1 && aws_cloudwatch_metric_alarm.queue_depth.namespace == "TerraFix/prod"
    error_message = "Alarms: queue depth (service metrics), restarts (Container Insights)."
  }
}

run "guide_token_credentials" {
  variables {
    vanta_api_token = "vanta-token-do-not-leak"
    github_token    = "ghp_token_do_not_leak"
  }

  assert {
    condition     = [for s in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets : s.name] == ["GITHUB_TOKEN", "REDIS_URL", "VANTA_API_TOKEN"]
    error_message = "Given a Vanta token (the guide's tfvars), the service gets VANTA_API_TOKEN as a secret."
  }

  assert {
    condition     = !strcontains(aws_ecs_task_definition.service.container_definitions, "do-not-leak") && !strcontains(aws_ecs_task_definition.service.container_definitions, "do_not_leak")
    error_message = "Credential values never appear in the task definition."
  }

  assert {
    condition     = local.credentials_given == toset(["GITHUB_TOKEN", "VANTA_API_TOKEN"]) && length(aws_secretsmanager_secret_version.credential) == 2
    error_message = "Given credentials are written to their secrets."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.credential["GITHUB_TOKEN"].secret_string == null
    error_message = "Credential values are written write-only: nothing in state."
  }
}

run "api_server" {
  variables {
    enable_api_server = true
  }

  assert {
    condition     = aws_lb.api[0].internal && aws_lb_listener.api[0].port == 80
    error_message = "The API server sits behind an internal load balancer."
  }

  assert {
    condition     = [for s in jsondecode(aws_ecs_task_definition.api[0].container_definitions)[0].secrets : s.name] == ["REDIS_URL", "TERRAFIX_WEBHOOK_SECRET"]
    error_message = "The API server gets REDIS_URL and the webhook secret, nothing else."
  }

  assert {
    condition     = !contains([for s in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets : s.name], "TERRAFIX_WEBHOOK_SECRET")
    error_message = "The service does not get the webhook secret."
  }

  assert {
    condition     = aws_ecs_task_definition.api[0].task_role_arn == null || aws_ecs_task_definition.api[0].task_role_arn == ""
    error_message = "The API server has no task role (it calls no AWS API)."
  }

  assert {
    condition     = data.aws_iam_policy_document.execution["api"].statement[3].resources == toset([aws_secretsmanager_secret.redis_url.arn, aws_secretsmanager_secret.credential["TERRAFIX_WEBHOOK_SECRET"].arn])
    error_message = "The API server's execution role reads exactly its two secrets."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.api_lb_clients) == 1 && aws_vpc_security_group_ingress_rule.api_lb_clients["10.20.0.0/16"].from_port == 80
    error_message = "By default only the VPC reaches the load balancer."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.tasks_below_desired) == 2
    error_message = "Both services are watched."
  }
}

run "api_server_mock_mode" {
  variables {
    enable_api_server    = true
    api_server_mock_mode = true
  }

  assert {
    condition     = length(jsondecode(aws_ecs_task_definition.api[0].container_definitions)[0].secrets) == 0 && !contains(keys(aws_secretsmanager_secret.credential), "TERRAFIX_WEBHOOK_SECRET")
    error_message = "A mock-mode API server gets no secrets and no Redis (load tests never touch production records)."
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.api[0].container_definitions)[0].environment : e.name => e.value }["TERRAFIX_MOCK_MODE"] == "true"
    error_message = "TERRAFIX_MOCK_MODE=true."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.redis_from_api) == 0
    error_message = "A mock-mode API server cannot reach Redis."
  }
}

run "global_profile" {
  variables {
    bedrock_model_id = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
  }

  assert {
    condition = data.aws_iam_policy_document.bedrock.statement[1].resources == toset([
      "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
      "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
    ])
    error_message = "A global profile may reach the model in any region (and the region-less ARN), through the profile only."
  }
}

run "bare_model_id" {
  variables {
    bedrock_model_id = "anthropic.claude-3-haiku-20240307-v1:0"
  }

  assert {
    condition = (length(data.aws_iam_policy_document.bedrock.statement) == 1
      && data.aws_iam_policy_document.bedrock.statement[0].resources == toset(["arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"])
    && length(data.aws_iam_policy_document.bedrock.statement[0].condition) == 0)
    error_message = "A bare model id: that model in aws_region only."
  }
}

run "profile_from_wrong_geography" {
  command = plan

  variables {
    bedrock_model_id = "eu.anthropic.claude-opus-4-5-20251101-v1:0"
  }

  expect_failures = [aws_iam_role_policy.service_bedrock]
}

run "profile_arn_needs_its_model" {
  command = plan

  variables {
    bedrock_model_id = "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123"
  }

  expect_failures = [aws_iam_role_policy.service_bedrock]
}

run "credentials_not_in_extra_environment" {
  command = plan

  variables {
    extra_environment = { GITHUB_TOKEN = "ghp_oops" }
  }

  expect_failures = [var.extra_environment]
}

run "extra_environment_cannot_override" {
  command = plan

  variables {
    extra_environment = { AWS_REGION = "eu-west-1" }
  }

  expect_failures = [aws_ecs_task_definition.service]
}

run "one_subnet_is_not_enough" {
  command = plan

  variables {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }

  expect_failures = [var.subnet_ids]
}
