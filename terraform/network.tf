# Security groups: the tasks accept no inbound traffic (the API server's only from its load balancer), reach the
# internet on 443 only (ECR, Secrets Manager, CloudWatch Logs, Bedrock, Vanta, GitHub over HTTPS, through the
# subnets' NAT) and Redis on its port; Redis accepts only the tasks.

data "aws_vpc" "selected" {
  id = var.vpc_id
}

resource "aws_security_group" "service" {
  name        = "${local.name}-service"
  description = "TerraFix service tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${local.name}-service" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "redis" {
  name        = "${local.name}-redis"
  description = "TerraFix ElastiCache Redis: only the TerraFix tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${local.name}-redis" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "service_https" {
  security_group_id = aws_security_group.service.id
  description       = "HTTPS: AWS APIs, Vanta, GitHub"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "service_redis" {
  security_group_id            = aws_security_group.service.id
  description                  = "Redis"
  ip_protocol                  = "tcp"
  from_port                    = local.redis_port
  to_port                      = local.redis_port
  referenced_security_group_id = aws_security_group.redis.id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_service" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from the service tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.redis_port
  to_port                      = local.redis_port
  referenced_security_group_id = aws_security_group.service.id
}
