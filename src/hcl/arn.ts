/**
 * What can be read off an ARN without calling AWS: the service and the resource's own name or id.
 * `arn:aws:s3:::my-bucket` → my-bucket; `arn:aws:iam::123:role/path/app` → app;
 * `arn:aws:ec2:us-east-1:123:security-group/sg-0abc` → sg-0abc; `arn:aws:rds:us-east-1:123:db:orders` → orders.
 */
export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account field. */
  resource: string;
  /** The last path or colon segment of `resource`: the name or id to match against. */
  name: string;
}

export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  const resource = parts.slice(5).join(':');
  const name =
    resource
      .split(/[/:]/)
      .filter((s) => s.length > 0)
      .at(-1) ?? '';
  if (name === '') return undefined;
  return { partition, service, region, account, resource, name };
}
