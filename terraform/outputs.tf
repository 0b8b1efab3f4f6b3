# The product guide's outputs first (ecr_repository_url, ecs_cluster_name, ecs_service_name, cloudwatch_log_group),
# then what operating the deployment needs.

output "ecr_repository_url" {
  description = "Image repository: docker tag/push <url>:<tag>."
  value       = aws_ecr_repository.terrafix.repository_url
}

output "ecs_cluster_name" {
  description = "ECS cluster."
  value       = aws_ecs_cluster.terrafix.name
}

output "ecs_service_name" {
  description = "ECS service running `terrafix serve`."
  value       = aws_ecs_service.terrafix.name
}

output "cloudwatch_log_group" {
  description = "Log group of every TerraFix container (streams serve/... and api/...)."
  value       = aws_cloudwatch_log_group.terrafix.name
}

output "image" {
  description = "Image the task definitions run."
  value       = local.image
}

output "task_definition_arn" {
  description = "Current task definition revision of the service."
  value       = aws_ecs_task_definition.service.arn
}

output "secret_arns" {
  description = "Secrets Manager secret per container variable; put values with aws secretsmanager put-secret-value --secret-id <arn>. REDIS_URL is managed by Terraform."
  value       = merge({ for k, s in aws_secretsmanager_secret.credential : k => s.arn }, { REDIS_URL = aws_secretsmanager_secret.redis_url.arn })
}

output "secrets_set_by_terraform" {
  description = "Container variables whose secret value Terraform wrote (the others must be put by hand before tasks can start)."
  value       = sort(tolist(local.credentials_given))
}

output "redis_primary_endpoint" {
  description = "ElastiCache primary endpoint (TLS, AUTH token required; the full URL is in the REDIS_URL secret)."
  value       = aws_elasticache_replication_group.redis.primary_endpoint_address
}

output "service_task_role_arn" {
  description = "Role the service's code runs with (Bedrock InvokeModel only)."
  value       = aws_iam_role.service_task.arn
}

output "bedrock_invoke_resources" {
  description = "What the task role may invoke: the inference profile and the foundation model ARNs (through that profile)."
  value       = { inference_profile = local.bedrock_is_profile ? local.bedrock_profile_arn : null, foundation_models = local.bedrock_foundation_model_arns }
}

output "service_security_group_id" {
  description = "Security group of the service tasks (e.g. for VPC endpoint policies)."
  value       = aws_security_group.service.id
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the service's own metrics (QueueDepth, RemediationsFailed, RemediationsCompleted)."
  value       = local.metrics_namespace
}

output "alarm_names" {
  description = "CloudWatch alarms (docs/deployment.md#alarms)."
  value = concat(
    [aws_cloudwatch_metric_alarm.queue_depth.alarm_name, aws_cloudwatch_metric_alarm.failed_remediations.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.container_restarts : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.tasks_below_desired : a.alarm_name],
  )
}

output "api_server_service_name" {
  description = "ECS service of the API server (null unless enable_api_server)."
  value       = var.enable_api_server ? aws_ecs_service.api[0].name : null
}

output "api_server_url" {
  description = "Base URL of the API server on the internal load balancer (null unless enable_api_server)."
  value       = var.enable_api_server ? "${var.api_server_certificate_arn == null ? "http" : "https"}://${aws_lb.api[0].dns_name}" : null
}
