# Optional (enable_api_server): the API server (`terrafix api-server`, port 8081) as a second Fargate service
# behind an internal Application Load Balancer. Outside mock mode it authenticates signed webhooks
# (TERRAFIX_WEBHOOK_SECRET) and enqueues them into the service's Redis queue; in mock mode it is a load-test target
# with simulated Vanta, git, Bedrock and GitHub and in-memory state.

locals {
  api_count         = var.enable_api_server ? 1 : 0
  api_name          = "${local.name}-api"
  api_port          = 8081
  api_listener_port = var.api_server_certificate_arn == null ? 80 : 443
  api_allowed_cidrs = coalesce(var.api_server_allowed_cidrs, [data.aws_vpc.selected.cidr_block])
  api_shutdown_ms   = (local.stop_timeout_seconds - 15) * 1000

  api_server_environment = {
    LOG_LEVEL                    = upper(var.log_level)
    STATE_RETENTION_DAYS         = tostring(var.state_retention_days)
    TERRAFIX_API_HOST            = "0.0.0.0"
    TERRAFIX_API_PORT            = tostring(local.api_port)
    TERRAFIX_MOCK_MODE           = tostring(var.api_server_mock_mode)
    TERRAFIX_SHUTDOWN_TIMEOUT_MS = tostring(local.api_shutdown_ms)
  }
}

resource "aws_security_group" "api_lb" {
  count = local.api_count

  name        = "${local.api_name}-lb"
  description = "TerraFix API server internal load balancer"
  vpc_id      = var.vpc_id

  tags = { Name = "${local.api_name}-lb" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "api_tasks" {
  count = local.api_count

  name        = "${local.api_name}-tasks"
  description = "TerraFix API server tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${local.api_name}-tasks" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "api_lb_clients" {
  for_each = var.enable_api_server ? toset(local.api_allowed_cidrs) : toset([])

  security_group_id = aws_security_group.api_lb[0].id
  description       = "Webhook clients"
  ip_protocol       = "tcp"
  from_port         = local.api_listener_port
  to_port           = local.api_listener_port
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "api_lb_to_tasks" {
  count = local.api_count

  security_group_id            = aws_security_group.api_lb[0].id
  description                  = "To the API server tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.api_port
  to_port                      = local.api_port
  referenced_security_group_id = aws_security_group.api_tasks[0].id
}

resource "aws_vpc_security_group_ingress_rule" "api_tasks_from_lb" {
  count = local.api_count

  security_group_id            = aws_security_group.api_tasks[0].id
  description                  = "From the internal load balancer"
  ip_protocol                  = "tcp"
  from_port                    = local.api_port
  to_port                      = local.api_port
  referenced_security_group_id = aws_security_group.api_lb[0].id
}

resource "aws_vpc_security_group_egress_rule" "api_tasks_https" {
  count = local.api_count

  security_group_id = aws_security_group.api_tasks[0].id
  description       = "HTTPS: ECR, Secrets Manager, CloudWatch Logs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "api_tasks_redis" {
  count = local.api_server_real ? 1 : 0

  security_group_id            = aws_security_group.api_tasks[0].id
  description                  = "Redis (the shared queue)"
  ip_protocol                  = "tcp"
  from_port                    = local.redis_port
  to_port                      = local.redis_port
  referenced_security_group_id = aws_security_group.redis.id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_api" {
  count = local.api_server_real ? 1 : 0

  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from the API server tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.redis_port
  to_port                      = local.redis_port
  referenced_security_group_id = aws_security_group.api_tasks[0].id
}

resource "aws_lb" "api" {
  count = local.api_count

  name                       = substr("${local.api_name}-lb", 0, 32)
  internal                   = true
  load_balancer_type         = "application"
  subnets                    = var.subnet_ids
  security_groups            = [aws_security_group.api_lb[0].id]
  drop_invalid_header_fields = true
}

resource "aws_lb_target_group" "api" {
  count = local.api_count

  name                 = substr("${local.api_name}-tg", 0, 32)
  port                 = local.api_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = "/health"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "api" {
  count = local.api_count

  load_balancer_arn = aws_lb.api[0].arn
  port              = local.api_listener_port
  protocol          = var.api_server_certificate_arn == null ? "HTTP" : "HTTPS"
  certificate_arn   = var.api_server_certificate_arn
  ssl_policy        = var.api_server_certificate_arn == null ? null : "ELBSecurityPolicy-TLS13-1-2-2021-06"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api[0].arn
  }
}

resource "aws_ecs_task_definition" "api" {
  count = local.api_count

  family                   = local.api_name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution["api"].arn
  # No task role: the API server calls no AWS API.

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode([
    {
      name                   = "api-server"
      image                  = local.image
      essential              = true
      command                = ["api-server"]
      user                   = "1000:1000"
      readonlyRootFilesystem = var.readonly_root_filesystem
      portMappings           = [{ containerPort = local.api_port, protocol = "tcp", name = "api" }]
      environment            = [for k in sort(keys(local.api_server_environment)) : { name = k, value = local.api_server_environment[k] }]
      secrets                = local.api_server_secrets
      healthCheck = {
        command     = concat(local.health_check_command, [tostring(local.api_port)])
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 60
      }
      restartPolicy = {
        enabled              = true
        ignoredExitCodes     = [0]
        restartAttemptPeriod = 300
      }
      stopTimeout      = local.stop_timeout_seconds
      ulimits          = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
      logConfiguration = merge(local.log_configuration, { options = merge(local.log_configuration.options, { awslogs-stream-prefix = "api" }) })
    },
  ])
}

resource "aws_ecs_service" "api" {
  count = local.api_count

  name             = local.api_name
  cluster          = aws_ecs_cluster.terrafix.id
  task_definition  = aws_ecs_task_definition.api[0].arn
  desired_count    = var.api_server_desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.api_tasks[0].id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api[0].arn
    container_name   = "api-server"
    container_port   = local.api_port
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"

  depends_on = [aws_lb_listener.api, aws_iam_role_policy.execution]
}
