/**
 * CloudFormation resource type → Terraform (AWS provider) resource types that can declare it.
 * The first entry is the primary type; later entries are companions that carry some of its settings.
 */
const TABLE: Record<string, readonly string[]> = {
  'AWS::S3::Bucket': ['aws_s3_bucket'],
  'AWS::S3::BucketPolicy': ['aws_s3_bucket_policy'],
  'AWS::IAM::Role': ['aws_iam_role'],
  'AWS::IAM::User': ['aws_iam_user'],
  'AWS::IAM::Policy': ['aws_iam_policy'],
  'AWS::IAM::ManagedPolicy': ['aws_iam_policy'],
  'AWS::IAM::Group': ['aws_iam_group'],
  'AWS::EC2::SecurityGroup': ['aws_security_group'],
  'AWS::EC2::Instance': ['aws_instance'],
  'AWS::EC2::Volume': ['aws_ebs_volume'],
  'AWS::EC2::VPC': ['aws_vpc'],
  'AWS::EC2::Subnet': ['aws_subnet'],
  'AWS::RDS::DBInstance': ['aws_db_instance'],
  'AWS::RDS::DBCluster': ['aws_rds_cluster'],
  'AWS::DynamoDB::Table': ['aws_dynamodb_table'],
  'AWS::Lambda::Function': ['aws_lambda_function'],
  'AWS::KMS::Key': ['aws_kms_key'],
  'AWS::SNS::Topic': ['aws_sns_topic'],
  'AWS::SQS::Queue': ['aws_sqs_queue'],
  'AWS::CloudTrail::Trail': ['aws_cloudtrail'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['aws_lb', 'aws_alb'],
  'AWS::ECR::Repository': ['aws_ecr_repository'],
  'AWS::EKS::Cluster': ['aws_eks_cluster'],
  'AWS::ElastiCache::ReplicationGroup': ['aws_elasticache_replication_group'],
  'AWS::Logs::LogGroup': ['aws_cloudwatch_log_group'],
  'AWS::SecretsManager::Secret': ['aws_secretsmanager_secret'],
};

/** Terraform types for a CloudFormation type; empty when unknown. */
export function terraformTypesFor(cfnType: string): readonly string[] {
  return TABLE[cfnType] ?? [];
}

export function knownCloudFormationTypes(): string[] {
  return Object.keys(TABLE);
}
