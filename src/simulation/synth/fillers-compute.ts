/** Filler bundles for compute: Lambda functions with their roles and logs, ECS task roles, ECR repositories. */
import { interp } from './hcl-text.js';
import { slug, type Bundle } from './bundle.js';

/** A function, its execution role (managed policies attached with for_each) and its log group. */
export const lambdaBundle: Bundle = ({ scope, rng, label }, word) => {
  const l = label(
    ['aws_lambda_function', 'aws_iam_role', 'aws_iam_role_policy_attachment', 'aws_cloudwatch_log_group'],
    word,
  );
  const name = `${interp(scope.prefix)}-${slug(l)}`;
  const memory = rng.pick([128, 256, 512, 1024]);
  return [
    {
      file: 'iam.tf',
      text: `resource "aws_iam_role" "${l}" {
  name               = "${name}-lambda"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json

  tags = ${scope.tags}
}`,
    },
    {
      file: 'iam.tf',
      text: `resource "aws_iam_role_policy_attachment" "${l}" {
  for_each = toset([
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
  ])

  role       = aws_iam_role.${l}.name
  policy_arn = each.value
}`,
    },
    {
      file: 'cloudwatch.tf',
      text: `resource "aws_cloudwatch_log_group" "${l}" {
  name              = "/aws/lambda/${name}"
  retention_in_days = ${scope.retention}

  tags = ${scope.tags}
}`,
    },
    {
      file: 'lambda.tf',
      text: `resource "aws_lambda_function" "${l}" {
  function_name = "${name}"
  role          = aws_iam_role.${l}.arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "${interp('path.module')}/build/${slug(l)}.zip"
  memory_size   = ${memory}
  timeout       = 30

  environment {
    variables = {
      LOG_LEVEL   = "info"
      ENVIRONMENT = ${scope.environment}
    }
  }

  tracing_config {
    mode = "Active"
  }

  # The log group must exist first, or Lambda creates one without retention.
  depends_on = [aws_cloudwatch_log_group.${l}]

  tags = ${scope.tags}
}`,
    },
  ];
};

/** A customer-managed policy (heredoc JSON), an ECS task role (jsonencode trust policy) and the attachment. */
export const taskRoleBundle: Bundle = ({ scope, label }, word) => {
  const l = label(['aws_iam_policy', 'aws_iam_role', 'aws_iam_role_policy_attachment'], `${word}_task`);
  const name = `${interp(scope.prefix)}-${slug(l)}`;
  return [
    {
      file: 'iam.tf',
      text: `resource "aws_iam_policy" "${l}" {
  name        = "${name}-access"
  description = "Read access to ${word} objects"
  policy      = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["s3:GetObject", "s3:ListBucket"],
          "Resource": [
            "arn:aws:s3:::${name}",
            "arn:aws:s3:::${name}/*"
          ]
        }
      ]
    }
  EOF
}`,
    },
    {
      file: 'iam.tf',
      text: `resource "aws_iam_role" "${l}" {
  name = "${name}"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  max_session_duration = 3600
  tags                 = ${scope.tags}
}`,
    },
    {
      file: 'iam.tf',
      text: `resource "aws_iam_role_policy_attachment" "${l}" {
  role       = aws_iam_role.${l}.name
  policy_arn = aws_iam_policy.${l}.arn
}`,
    },
  ];
};

/** A container registry with an expiry policy for untagged images. */
export const registryBundle: Bundle = ({ scope, label }, word) => {
  const l = label(['aws_ecr_repository', 'aws_ecr_lifecycle_policy'], word);
  return [
    {
      file: 'ecr.tf',
      text: `resource "aws_ecr_repository" "${l}" {
  name                 = "${interp(scope.prefix)}/${slug(l)}"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
  }

  tags = ${scope.tags}
}`,
    },
    {
      file: 'ecr.tf',
      text: `resource "aws_ecr_lifecycle_policy" "${l}" {
  repository = aws_ecr_repository.${l}.name

  policy = <<-POLICY
    {
      "rules": [
        {
          "rulePriority": 1,
          "description": "Expire untagged images after 14 days",
          "selection": {
            "tagStatus": "untagged",
            "countType": "sinceImagePushed",
            "countUnit": "days",
            "countNumber": 14
          },
          "action": { "type": "expire" }
        }
      ]
    }
  POLICY
}`,
    },
  ];
};
