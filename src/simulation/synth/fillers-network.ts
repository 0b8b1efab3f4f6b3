/** Filler bundles for networked services: security groups, databases, queues, topics, alarms. */
import { interp } from './hcl-text.js';
import { slug, type Bundle, type Piece } from './bundle.js';

/** A compliant service security group (dynamic ingress over the allowed ports) and a self-referencing rule. */
export const serviceGroupBundle: Bundle = ({ scope, label }, word) => {
  const l = label(['aws_security_group', 'aws_security_group_rule'], `${word}_svc`);
  return [
    {
      file: 'security_groups.tf',
      text: `resource "aws_security_group" "${l}" {
  name_prefix = "${interp(scope.prefix)}-${slug(l)}-"
  description = "${word} service"
  vpc_id      = ${scope.vpcId}

  dynamic "ingress" {
    for_each = ${scope.ports}
    content {
      description = "Service port from the VPC"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [${scope.vpcCidr}]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    create_before_destroy = true
  }

  tags = merge(${scope.tags}, { Name = "${interp(scope.prefix)}-${slug(l)}" })
}`,
    },
    {
      file: 'security_groups.tf',
      text: `resource "aws_security_group_rule" "${l}" {
  type              = "ingress"
  description       = "Members talk to each other"
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  self              = true
  security_group_id = aws_security_group.${l}.id
}`,
    },
  ];
};

/** An encrypted, compliant database with its parameter group. */
export const databaseBundle: Bundle = ({ scope, rng, label }, word) => {
  const l = label(['aws_db_instance', 'aws_db_parameter_group'], `${word}_db`);
  const subnetGroup =
    scope.dbSubnetGroup === undefined ? '' : `\n  db_subnet_group_name         = ${scope.dbSubnetGroup}`;
  const storage = rng.pick([100, 200, 500]);
  return [
    {
      file: 'rds.tf',
      text: `resource "aws_db_parameter_group" "${l}" {
  name   = "${interp(scope.prefix)}-${slug(l)}-pg15"
  family = "postgres15"

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}`,
    },
    {
      file: 'rds.tf',
      text: `resource "aws_db_instance" "${l}" {
  identifier                   = "${interp(scope.prefix)}-${slug(l)}"
  engine                       = "postgres"
  engine_version               = "15.5"
  instance_class               = "db.r6g.large"
  allocated_storage            = ${storage}
  max_allocated_storage        = ${storage * 4}
  storage_type                 = "gp3"
  storage_encrypted            = true
  username                     = "app_admin"
  manage_master_user_password  = true
  parameter_group_name         = aws_db_parameter_group.${l}.name${subnetGroup}
  multi_az                     = ${scope.environment} == "prod"
  backup_retention_period      = 14
  deletion_protection          = true
  final_snapshot_identifier    = "${interp(scope.prefix)}-${slug(l)}-final"
  performance_insights_enabled = true

  tags = ${scope.tags}
}`,
    },
  ];
};

/** A work queue with a dead-letter queue, or a set of priority queues (for_each over a map). */
export const queueBundle: Bundle = ({ scope, rng, label }, word) => {
  const p = interp(scope.prefix);
  if (rng.next() < 0.3) {
    const l = label(['aws_sqs_queue'], `${word}_priority`);
    return [
      {
        file: 'sqs.tf',
        text: `# One queue per priority; the value is the visibility timeout in seconds.
resource "aws_sqs_queue" "${l}" {
  for_each = {
    high   = 30
    normal = 120
    low    = 900
  }

  name                       = "${p}-${slug(l)}-${interp('each.key')}"
  visibility_timeout_seconds = each.value
  sqs_managed_sse_enabled    = true

  tags = ${scope.tags}
}`,
      },
    ];
  }
  const l = label(['aws_sqs_queue'], word);
  const dlq = label(['aws_sqs_queue'], `${word}_dlq`);
  return [
    {
      file: 'sqs.tf',
      text: `resource "aws_sqs_queue" "${dlq}" {
  name                      = "${p}-${slug(dlq)}"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = ${scope.tags}
}`,
    },
    {
      file: 'sqs.tf',
      text: `resource "aws_sqs_queue" "${l}" {
  name                       = "${p}-${slug(l)}"
  visibility_timeout_seconds = 60
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.${dlq}.arn
    maxReceiveCount     = 5
  })

  tags = ${scope.tags}
}`,
    },
  ];
};

/** An alert topic with e-mail subscriptions (count depends on the environment). */
export const topicBundle: Bundle = ({ scope, label }, word) => {
  const l = label(['aws_sns_topic', 'aws_sns_topic_subscription'], `${word}_alerts`);
  return [
    {
      file: 'sns.tf',
      text: `resource "aws_sns_topic" "${l}" {
  name              = "${interp(scope.prefix)}-${slug(l)}"
  kms_master_key_id = "alias/aws/sns"

  tags = ${scope.tags}
}`,
    },
    {
      file: 'sns.tf',
      text: `resource "aws_sns_topic_subscription" "${l}" {
  count = ${scope.environment} == "prod" ? 2 : 1

  topic_arn = aws_sns_topic.${l}.arn
  protocol  = "email"
  endpoint  = element(["oncall-${slug(word)}@acme.example", "${slug(word)}-team@acme.example"], count.index)
}`,
    },
  ];
};

/** An application log group and an error alarm on it. */
export const alarmBundle: Bundle = ({ scope, rng, label }, word) => {
  const l = label(['aws_cloudwatch_log_group', 'aws_cloudwatch_metric_alarm'], `${word}_app`);
  const name = `${interp(scope.prefix)}-${slug(l)}`;
  const pieces: Piece[] = [
    {
      file: 'cloudwatch.tf',
      text: `resource "aws_cloudwatch_log_group" "${l}" {
  name              = "/acme/${name}"
  retention_in_days = ${scope.retention}

  tags = ${scope.tags}
}`,
    },
    {
      file: 'cloudwatch.tf',
      text: `resource "aws_cloudwatch_metric_alarm" "${l}" {
  alarm_name          = "${name}-5xx"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "5XXError"
  namespace           = "AWS/ApiGateway"
  period              = 60
  statistic           = "Sum"
  threshold           = ${rng.pick([1, 5, 10, 25])}
  treat_missing_data  = "notBreaching"

  dimensions = {
    ApiName = "${name}"
  }

  tags = ${scope.tags}
}`,
    },
  ];
  return pieces;
};
