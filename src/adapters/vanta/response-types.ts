/**
 * An entity's `responseType` (a free display string such as "AWS account"; Vanta documents no list) → the
 * CloudFormation type the locator searches for. Matched by keywords on a lower-cased, punctuation-free form, most
 * specific first, so "AWS S3 Bucket", "S3 bucket" and "s3_bucket" all read the same. Kinds that are not Terraform
 * resources (accounts, users of other tools) map to nothing: such entities are skipped and counted.
 */

const RULES: readonly (readonly [RegExp, string])[] = [
  [/\bs3\b.*\bbucket\b|\bbucket\b.*\bs3\b/, 'AWS::S3::Bucket'],
  [/\bsecurity group\b/, 'AWS::EC2::SecurityGroup'],
  [/\b(ebs )?volume\b/, 'AWS::EC2::Volume'],
  [/\b(ec2 )?instance\b.*\bec2\b|\bec2\b.*\binstance\b/, 'AWS::EC2::Instance'],
  [/\b(rds|aurora|db)\b.*\bcluster\b/, 'AWS::RDS::DBCluster'],
  [/\b(rds\b.*\b(instance|database|db)|db instance)\b/, 'AWS::RDS::DBInstance'],
  [/\bcloudtrail\b|\btrail\b/, 'AWS::CloudTrail::Trail'],
  [/\biam\b.*\brole\b/, 'AWS::IAM::Role'],
  [/\biam\b.*\buser\b/, 'AWS::IAM::User'],
  [/\biam\b.*\bgroup\b/, 'AWS::IAM::Group'],
  [/\biam\b.*\bpolicy\b/, 'AWS::IAM::ManagedPolicy'],
  [/\bdynamo ?db\b/, 'AWS::DynamoDB::Table'],
  [/\blambda\b/, 'AWS::Lambda::Function'],
  [/\bkms\b.*\bkey\b/, 'AWS::KMS::Key'],
  [/\bsqs\b|\bqueue\b/, 'AWS::SQS::Queue'],
  [/\bsns\b|\btopic\b/, 'AWS::SNS::Topic'],
  [/\blog group\b/, 'AWS::Logs::LogGroup'],
  [/\b(application |network )?load balancer\b|\balb\b|\belb\b/, 'AWS::ElasticLoadBalancingV2::LoadBalancer'],
  [/\becr\b/, 'AWS::ECR::Repository'],
  [/\beks\b/, 'AWS::EKS::Cluster'],
  [/\belasticache\b/, 'AWS::ElastiCache::ReplicationGroup'],
  [/\bsecrets? ?manager\b/, 'AWS::SecretsManager::Secret'],
  [/\bvpc\b/, 'AWS::EC2::VPC'],
  [/\bsubnet\b/, 'AWS::EC2::Subnet'],
];

const CFN_TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;

/** The CloudFormation type a responseType names, or undefined. A CloudFormation type passes through as is. */
export function cfnTypeOfResponseType(responseType: string | null | undefined): string | undefined {
  if (responseType === null || responseType === undefined) return undefined;
  const trimmed = responseType.trim();
  if (CFN_TYPE.test(trimmed)) return trimmed;
  const words = trimmed
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  if (/\baccount\b/.test(words) && !/\bbucket\b/.test(words)) return undefined; // AWS accounts, user accounts
  return RULES.find(([pattern]) => pattern.test(words))?.[1];
}
