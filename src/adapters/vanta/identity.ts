/**
 * The resource identity of a Vanta entity, as the failure record's `resource_arn`. Entities carry no ARN
 * (protocols.md §1.4), only an id and a display name, so:
 * - a display name that already is an AWS ARN is used as it is;
 * - an S3 bucket's ARN is its name (`arn:aws:s3:::<name>`): buckets are global, no account or region needed;
 * - anything else (security groups, volumes, instances, trails, databases, IAM: their ARNs need a region, an
 *   account or a path the entity does not carry) gets a stable Vanta identity in a reserved partition:
 *   `arn:vanta:<service>:::<kind>/<entity id>`, e.g. `arn:vanta:ec2:::security-group/65fc81a3359c8508c9af880f`.
 *   No AWS partition is called `vanta`, so it can never be mistaken for a real resource; it still satisfies the
 *   failure schema, keys dedup (sha256 of test id + identity) on Vanta's stable entity id, and can be mapped by
 *   prefix in GITHUB_REPO_MAPPING. The locator searches for the display name (`resource_details.name`).
 */

const AWS_ARN = /^arn:aws(-[a-z0-9-]+)?:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:\S+$/;
/** S3 bucket naming rules (general purpose buckets): 3–63 of a-z 0-9 . -, starting and ending alphanumeric. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const VANTA_PARTITION = 'vanta';

/** `AWS::EC2::SecurityGroup` → `{ service: 'ec2', kind: 'security-group' }`. */
function serviceAndKind(cfnType: string): { service: string; kind: string } {
  const [, service = 'unknown', type = 'resource'] = cfnType.split('::');
  const kind = type
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return { service: service.toLowerCase(), kind };
}

export interface ResourceIdentity {
  /** What goes into `resource_arn`. */
  arn: string;
  /** `aws`: a real ARN (given or derived); `vanta`: the reserved-partition identity. */
  origin: 'aws' | 'vanta';
}

export function identityOf(entity: { id: string; displayName: string }, cfnType: string): ResourceIdentity {
  const name = entity.displayName.trim();
  if (AWS_ARN.test(name)) return { arn: name, origin: 'aws' };
  if (cfnType === 'AWS::S3::Bucket' && BUCKET_NAME.test(name) && !name.includes('..'))
    return { arn: `arn:aws:s3:::${name}`, origin: 'aws' };
  const { service, kind } = serviceAndKind(cfnType);
  return { arn: `arn:${VANTA_PARTITION}:${service}:::${kind}/${entity.id}`, origin: 'vanta' };
}
