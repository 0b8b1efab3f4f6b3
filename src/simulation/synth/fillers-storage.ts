/** Filler bundles for data at rest: S3 buckets with their settings, DynamoDB tables, KMS keys, secrets. */
import { interp } from './hcl-text.js';
import { slug, type Bundle, type Piece } from './bundle.js';

const BUCKET_TYPES = [
  'aws_s3_bucket',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_lifecycle_configuration',
];

/** A compliant bucket: versioned, encrypted, public access blocked, plus a policy or a lifecycle. */
export const bucketBundle: Bundle = ({ scope, rng, label }, word) => {
  const l = label(BUCKET_TYPES, word);
  const p = interp(scope.prefix);
  const bucket = `aws_s3_bucket.${l}`;
  const pieces: Piece[] = [
    {
      file: 's3.tf',
      text: `resource "aws_s3_bucket" "${l}" {
  bucket = "${p}-${slug(l)}"

  tags = merge(${scope.tags}, { Purpose = "${word}" })
}`,
    },
    {
      file: 's3.tf',
      text: `resource "aws_s3_bucket_versioning" "${l}" {
  bucket = ${bucket}.id

  versioning_configuration {
    status = "Enabled"
  }
}`,
    },
    {
      file: 's3.tf',
      text: `resource "aws_s3_bucket_server_side_encryption_configuration" "${l}" {
  bucket = ${bucket}.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}`,
    },
    {
      file: 's3.tf',
      text: `resource "aws_s3_bucket_public_access_block" "${l}" {
  bucket = ${bucket}.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}`,
    },
  ];
  if (rng.next() < 0.5) {
    pieces.push({
      file: 's3.tf',
      text: `# Deny plain HTTP; required by the data-handling standard.
resource "aws_s3_bucket_policy" "${l}" {
  bucket = ${bucket}.id
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": [
        "${interp(`${bucket}.arn`)}",
        "${interp(`${bucket}.arn`)}/*"
      ],
      "Condition": { "Bool": { "aws:SecureTransport": "false" } }
    }
  ]
}
POLICY
}`,
    });
  } else {
    pieces.push({
      file: 's3.tf',
      text: `resource "aws_s3_bucket_lifecycle_configuration" "${l}" {
  bucket = ${bucket}.id

  rule {
    id     = "tiering"
    status = "Enabled"

    filter {
      prefix = ""
    }

    transition {
      days          = ${30 + rng.int(4) * 30}
      storage_class = "STANDARD_IA"
    }

    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}`,
    });
  }
  return pieces;
};

/** A single-table-design DynamoDB table. */
export const tableBundle: Bundle = ({ scope, rng, label }, word) => {
  const l = label(['aws_dynamodb_table'], word);
  const gsi = rng.next() < 0.6;
  return [
    {
      file: 'dynamodb.tf',
      text: `resource "aws_dynamodb_table" "${l}" {
  name         = "${interp(scope.prefix)}-${slug(l)}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }
${
  gsi
    ? `
  attribute {
    name = "gsi1pk"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi1"
    hash_key        = "gsi1pk"
    range_key       = "sk"
    projection_type = "ALL"
  }
`
    : ''
}
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = ${scope.tags}
}`,
    },
  ];
};

/** A customer-managed KMS key with rotation and an alias. */
export const keyBundle: Bundle = ({ scope, label }, word) => {
  const l = label(['aws_kms_key', 'aws_kms_alias'], word);
  return [
    {
      file: 'kms.tf',
      text: `resource "aws_kms_key" "${l}" {
  description             = "Encrypts ${word} data"
  deletion_window_in_days = 30
  enable_key_rotation     = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableRootAccount"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${interp('data.aws_caller_identity.current.account_id')}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })

  tags = ${scope.tags}
}`,
    },
    {
      file: 'kms.tf',
      text: `resource "aws_kms_alias" "${l}" {
  name          = "alias/${interp(scope.prefix)}-${slug(l)}"
  target_key_id = aws_kms_key.${l}.key_id
}`,
    },
  ];
};

/** A Secrets Manager secret (value set out of band). */
export const secretBundle: Bundle = ({ scope, label }, word) => {
  const l = label(['aws_secretsmanager_secret'], word);
  return [
    {
      file: 'secrets.tf',
      text: `# The value is written by the rotation job, never by Terraform.
resource "aws_secretsmanager_secret" "${l}" {
  name                    = "${interp(scope.prefix)}/${slug(l)}/api-key"
  recovery_window_in_days = 7

  tags = ${scope.tags}
}`,
    },
  ];
};
