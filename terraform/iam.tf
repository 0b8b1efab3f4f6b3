# IAM. Execution roles (used by ECS to start a task): pull this repository's image, write to this log group,
# read exactly the secrets that task injects. Task role (used by the service's code): Bedrock InvokeModel on
# the configured model, nothing else; the API server's tasks get no task role at all.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Only tasks of this account (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# ---- Execution roles ---------------------------------------------------------------------------------------

locals {
  execution_roles = merge(
    { service = [for s in local.service_secrets : s.valueFrom] },
    var.enable_api_server ? { api = [for s in local.api_server_secrets : s.valueFrom] } : {},
  )
}

resource "aws_iam_role" "execution" {
  for_each = local.execution_roles

  name               = "${local.name}-${each.key}-execution"
  description        = "ECS starts TerraFix ${each.key} tasks with it: image pull, logs, its secrets"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  for_each = local.execution_roles

  # GetAuthorizationToken has no resource-level permissions.
  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [aws_ecr_repository.terrafix.arn]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.terrafix.arn}:log-stream:*"]
  }

  dynamic "statement" {
    for_each = length(each.value) > 0 ? [each.value] : []

    content {
      sid       = "InjectedSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = sort(statement.value)
    }
  }

  dynamic "statement" {
    for_each = var.secrets_kms_key_arn != null && length(each.value) > 0 ? [var.secrets_kms_key_arn] : []

    content {
      sid       = "DecryptInjectedSecrets"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  for_each = local.execution_roles

  name   = "start-task"
  role   = aws_iam_role.execution[each.key].id
  policy = data.aws_iam_policy_document.execution[each.key].json
}

# ---- Task role of the service ------------------------------------------------------------------------------

resource "aws_iam_role" "service_task" {
  name               = "${local.name}-service-task"
  description        = "The TerraFix service's code: Bedrock InvokeModel on the configured model only"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "bedrock" {
  dynamic "statement" {
    for_each = local.bedrock_is_profile ? [local.bedrock_profile_arn] : []

    content {
      sid       = "InvokeInferenceProfile"
      actions   = ["bedrock:InvokeModel"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = local.bedrock_is_profile ? "InvokeModelThroughProfile" : "InvokeModel"
    actions   = ["bedrock:InvokeModel"]
    resources = local.bedrock_foundation_model_arns

    dynamic "condition" {
      for_each = local.bedrock_is_profile ? [local.bedrock_profile_arn] : []

      content {
        test     = "StringEquals"
        variable = "bedrock:InferenceProfileArn"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role_policy" "service_bedrock" {
  name   = "bedrock-invoke"
  role   = aws_iam_role.service_task.id
  policy = data.aws_iam_policy_document.bedrock.json

  lifecycle {
    precondition {
      condition     = !local.bedrock_model_is_arn || var.bedrock_foundation_model_id != null
      error_message = "bedrock_model_id is an inference profile ARN: set bedrock_foundation_model_id (and bedrock_destination_regions) to the model it routes to."
    }

    precondition {
      condition = !local.bedrock_is_profile || local.bedrock_model_is_arn || local.bedrock_is_global || can(regex(
        lookup({
          us   = "^us-"
          eu   = "^eu-"
          apac = "^ap-"
          jp   = "^ap-northeast-[13]$"
          au   = "^ap-southeast-[24]$"
          ca   = "^ca-"
        }, local.bedrock_prefix, ".*"),
        var.aws_region
      ))
      error_message = "bedrock_model_id's geography prefix does not match aws_region: a us. profile is invoked from a US region, eu. from an EU region, and so on."
    }
  }
}
