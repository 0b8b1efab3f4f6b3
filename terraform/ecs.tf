# The ECS cluster and the Fargate service that runs `terrafix serve` (the image's default command): replicas in
# the private subnets without public IPs, a container health check on /health (8080), a deployment circuit
# breaker that rolls a failing deployment back.

resource "aws_ecs_cluster" "terrafix" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }
}

resource "aws_ecs_cluster_capacity_providers" "terrafix" {
  cluster_name       = aws_ecs_cluster.terrafix.name
  capacity_providers = ["FARGATE"]
}

locals {
  image = "${aws_ecr_repository.terrafix.repository_url}:${var.image_tag}"

  # The service's environment (non-secret). Secrets come from secrets.tf.
  service_environment_core = {
    AWS_REGION             = var.aws_region
    BEDROCK_MODEL_ID       = var.bedrock_model_id
    GITHUB_REPO_MAPPING    = local.github_repo_mapping_json
    LOG_LEVEL              = upper(var.log_level)
    MAX_CONCURRENT_WORKERS = tostring(var.max_concurrent_workers)
    POLL_INTERVAL_SECONDS  = tostring(var.poll_interval_seconds)
    STATE_RETENTION_DAYS   = tostring(var.state_retention_days)
    TERRAFORM_PATH         = var.terraform_path
    # Where the service writes its embedded-metric-format lines (the queue-depth and failure alarms read them).
    TERRAFIX_EMF_NAMESPACE = local.metrics_namespace
  }
  service_environment = merge(var.extra_environment, local.service_environment_core)

  # Exit code 1 when /health does not answer 200 within 4 s. The image has no curl; node is there.
  health_check_command = [
    "CMD", "node", "-e",
    "fetch('http://127.0.0.1:'+process.argv[1]+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
  ]

  log_configuration = {
    logDriver = "awslogs"
    options = {
      awslogs-group   = aws_cloudwatch_log_group.terrafix.name
      awslogs-region  = var.aws_region
      mode            = "non-blocking"
      max-buffer-size = "25m"
    }
  }

  # Fargate waits at most 120 s after SIGTERM before SIGKILL: the service drains within that.
  stop_timeout_seconds = 120
}

resource "aws_ecs_task_definition" "service" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution["service"].arn
  task_role_arn            = aws_iam_role.service_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  ephemeral_storage {
    size_in_gib = var.ephemeral_storage_gib
  }

  container_definitions = jsonencode([
    {
      name                   = "terrafix"
      image                  = local.image
      essential              = true
      command                = ["serve"]
      user                   = "1000:1000"
      readonlyRootFilesystem = var.readonly_root_filesystem
      portMappings           = [{ containerPort = 8080, protocol = "tcp", name = "health" }]
      environment            = [for k in sort(keys(local.service_environment)) : { name = k, value = local.service_environment[k] }]
      secrets                = local.service_secrets
      healthCheck = {
        command     = concat(local.health_check_command, ["8080"])
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 60
      }
      # A crashed container is restarted in place (Container Insights counts it: RestartCount); a clean exit is not.
      restartPolicy = {
        enabled              = true
        ignoredExitCodes     = [0]
        restartAttemptPeriod = 300
      }
      stopTimeout      = local.stop_timeout_seconds
      ulimits          = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
      logConfiguration = merge(local.log_configuration, { options = merge(local.log_configuration.options, { awslogs-stream-prefix = "serve" }) })
    },
  ])

  lifecycle {
    precondition {
      condition     = length(setintersection(keys(var.extra_environment), concat(keys(local.service_environment_core), local.service_secret_names))) == 0
      error_message = "extra_environment must not set a variable this configuration sets itself (e.g. AWS_REGION, REDIS_URL): use the matching Terraform variable."
    }
  }
}

resource "aws_ecs_service" "terrafix" {
  name             = local.name
  cluster          = aws_ecs_cluster.terrafix.id
  task_definition  = aws_ecs_task_definition.service.arn
  desired_count    = var.desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  # Replace tasks one batch at a time without dropping below the desired count; roll back a deployment whose
  # tasks keep failing to start or to turn healthy.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"

  # Tasks read these at start-up.
  depends_on = [aws_iam_role_policy.execution, aws_secretsmanager_secret_version.redis_url]
}
