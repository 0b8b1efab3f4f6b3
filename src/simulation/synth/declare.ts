/**
 * Declarations for resources a failure names but the synthetic repository does not contain (hand-written payloads
 * with arbitrary names): mock checkouts add the file so the real locate/fix/validate steps still have a block.
 */
import type { Failure } from '../../pipeline/failure.js';
import { parseArn } from '../../hcl/arn.js';
import { terraformTypesFor } from '../../hcl/resource-types.js';
import { GENERIC_SPEC, stateLines, TYPE_SPECS } from './declare-types.js';
import { alignEquals, hclString } from './hcl-text.js';
import { ACCOUNT_ID, REGION } from './layout.js';
import type { SyntheticRepo } from './repository.js';

export interface Declaration {
  path: string;
  content: string;
}

/** A Terraform label from a resource name: `[a-z0-9_]`, never starting with a digit. */
export function sanitiseLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100);
  return label === '' || /^[0-9]/.test(label) ? `r_${label}` : label;
}

/** One file declaring the failure's resource, or undefined when its type has no Terraform mapping or no identity. */
export function declarationFor(failure: Failure): Declaration | undefined {
  const tfType = terraformTypesFor(failure.resource_type)[0];
  if (tfType === undefined) return undefined;
  const arn = parseArn(failure.resource_arn);
  const identity = arn?.name ?? failure.resource_details.name;
  if (identity === undefined || identity.trim() === '') return undefined;

  const label = sanitiseLabel(identity);
  const spec = TYPE_SPECS[tfType] ?? GENERIC_SPEC;
  const ctx = {
    identity,
    label,
    account: /^\d{12}$/.test(arn?.account ?? '') ? (arn?.account ?? ACCOUNT_ID) : ACCOUNT_ID,
    region: arn?.region !== undefined && arn.region !== '' ? arn.region : REGION,
    currentState: failure.current_state,
  };
  const identityLine =
    spec.identityAttribute === undefined ? [] : [`  ${spec.identityAttribute} = ${hclString(identity)}`];
  const tags = spec.tags ? ['', '  tags = {', `    Name = ${hclString(identity)}`, '  }'] : [];
  const state = stateLines(spec, failure.current_state);
  const lines = [
    '# Declared by TerraFix: the failing resource was not found in this repository.',
    `# Source: ${failure.resource_arn.replace(/[^\x20-\x7e]/g, '?')}`,
    `resource "${tfType}" "${label}" {`,
    ...identityLine,
    ...(spec.body?.(ctx) ?? []),
    ...(state.length > 0 ? ['', ...state] : []),
    ...tags,
    '}',
    '',
  ];
  return { path: `imported/${tfType}_${label}.tf`, content: alignEquals(lines).join('\n') };
}

const indexes = new WeakMap<SyntheticRepo, ReadonlySet<string>>();

function indexKey(cfnType: string, identity: string): string {
  return `${cfnType}\u0000${identity}`;
}

/** Whether the repository has a target of that CloudFormation type and identity (ARN name). O(1) after the first call. */
export function hasTarget(repo: SyntheticRepo, cfnType: string, identity: string): boolean {
  let index = indexes.get(repo);
  if (index === undefined) {
    index = new Set(repo.targets.map((target) => indexKey(target.cfnType, target.name)));
    indexes.set(repo, index);
  }
  return index.has(indexKey(cfnType, identity));
}
