# Logs and alarms. docs/deployment.md ("Alarms") says what each alarm means and what to do.
#
# Metric sources:
#   - Queue depth and failed remediations: the service writes one CloudWatch embedded-metric-format (EMF) line to
#     stdout per minute into namespace TerraFix/<environment> (TERRAFIX_EMF_NAMESPACE); the awslogs driver ships
#     it to the log group and CloudWatch extracts the metrics. No PutMetricData permission, no agent.
#   - Container restarts and missing tasks: Container Insights (ECS/ContainerInsights), enabled on the cluster.

resource "aws_cloudwatch_log_group" "terrafix" {
  name              = "/ecs/${local.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_cloudwatch_metric_alarm" "queue_depth" {
  alarm_name        = "${local.name}-queue-depth"
  alarm_description = "Failures are waiting faster than the workers finish them (stuck workers, Bedrock or GitHub throttling). docs/deployment.md#alarms"
  namespace         = local.metrics_namespace
  metric_name       = "QueueDepth"
  statistic         = "Maximum"
  period            = 300
  # Three five-minute periods in a row: a poll cycle's burst drains well within that.
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = var.queue_depth_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "failed_remediations" {
  alarm_name          = "${local.name}-failed-remediations"
  alarm_description   = "Remediations ending as failed (permanent errors, retries exhausted). docs/deployment.md#alarms"
  namespace           = local.metrics_namespace
  metric_name         = "RemediationsFailed"
  statistic           = "Sum"
  period              = 900
  evaluation_periods  = 1
  threshold           = var.failed_remediations_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

locals {
  # ECS services the restart and task-count alarms watch.
  monitored_services = merge(
    { service = aws_ecs_service.terrafix.name },
    var.enable_api_server ? { api = aws_ecs_service.api[0].name } : {},
  )
}

resource "aws_cloudwatch_metric_alarm" "container_restarts" {
  for_each = local.monitored_services

  alarm_name          = "${each.value}-container-restarts"
  alarm_description   = "Containers of ${each.value} crashed and were restarted in place (restart policy). docs/deployment.md#alarms"
  namespace           = "ECS/ContainerInsights"
  metric_name         = "RestartCount"
  dimensions          = { ClusterName = aws_ecs_cluster.terrafix.name, ServiceName = each.value }
  statistic           = "Sum"
  period              = 900
  evaluation_periods  = 1
  threshold           = var.container_restarts_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

# Tasks that stop (failed health checks, out of memory, crashes before the restart period) are replaced rather
# than restarted: they show as fewer running tasks than desired.
resource "aws_cloudwatch_metric_alarm" "tasks_below_desired" {
  for_each = local.monitored_services

  alarm_name          = "${each.value}-tasks-below-desired"
  alarm_description   = "${each.value} runs fewer tasks than desired for 15 minutes (tasks failing to start or being replaced). docs/deployment.md#alarms"
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  metric_query {
    id          = "missing"
    expression  = "desired - running"
    label       = "Tasks missing"
    return_data = true
  }

  metric_query {
    id = "desired"

    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "DesiredTaskCount"
      dimensions  = { ClusterName = aws_ecs_cluster.terrafix.name, ServiceName = each.value }
      stat        = "Minimum"
      period      = 300
    }
  }

  metric_query {
    id = "running"

    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "RunningTaskCount"
      dimensions  = { ClusterName = aws_ecs_cluster.terrafix.name, ServiceName = each.value }
      stat        = "Maximum"
      period      = 300
    }
  }
}
