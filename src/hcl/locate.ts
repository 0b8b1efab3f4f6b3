/**
 * Finds the resource block a failure names. Rules (the synthetic repository generator relies on them):
 * - candidates are `resource` blocks whose type is one of terraformTypesFor(failure.resource_type), in every
 *   file of the map (module folders included) except those under `.terraform/`;
 * - the identities looked for are the ARN's name (last path or colon segment), `resource_details.name` and
 *   `resource_id` when present;
 * - a block matches when its label, or the value of `bucket`, `name`, `identifier` or `tags.Name`, equals one
 *   of those identities, or its literal `arn` equals the full ARN. Every attribute is checked. Values written
 *   through interpolation (`"${local.prefix}-data"`, `var.name`) are evaluated with variable defaults, literal
 *   module arguments and locals (evaluate.ts); what cannot be evaluated (data sources, functions, `count.index`)
 *   is a wildcard, so `"${data.aws_caller_identity.current.account_id}-logs"` could match `123-logs`;
 * - exact matches (literal or fully evaluated names, labels, ARNs) come first: exactly one → found. With none,
 *   wildcard matches: exactly one → found. A value that is nothing but wildcards matches nothing;
 * - none → TFX_RESOURCE_NOT_FOUND; several in the deciding tier → TFX_RESOURCE_AMBIGUOUS, naming every candidate.
 */
import { TerraFixError } from '../pipeline/errors.js';
import type { Failure } from '../pipeline/failure.js';
import { parseArn } from './arn.js';
import { scanBlocks, scanBlocksCached } from './blocks.js';
import { type HclDocument, type HclObject, isHclObject, literalString, resourceBodies } from './document.js';
import { evaluateName, exactName, moduleScopes, type ModuleScope, patternRegExp } from './evaluate.js';
import { terraformTypesFor } from './resource-types.js';

export interface LocatedResource {
  path: string;
  /** `type.label`, e.g. `aws_s3_bucket.logs` (relative to the module that declares it). */
  address: string;
  tfType: string;
  label: string;
  /** The whole block in `files.get(path)`: offsets are string indices, lines 1-based. */
  block: { start: number; end: number; startLine: number; endLine: number; text: string };
  /** POSIX directory of `path` (`.` for the root module), i.e. the module that declares the resource. */
  moduleDir: string;
}

export interface ResourceIndex {
  /** Every resource block, sorted by path then offset. */
  readonly resources: readonly LocatedResource[];
  /** `type \0 n \0 identity` or `type \0 a \0 arn` → positions in `resources`, ascending. */
  readonly byIdentity: ReadonlyMap<string, readonly number[]>;
  /** type → names with wildcards (interpolation that could not be evaluated), with their positions. */
  readonly byPattern: ReadonlyMap<string, readonly { position: number; pattern: RegExp }[]>;
}

/** Attributes whose literal value identifies a resource (besides the label and `tags.Name`). */
export const IDENTITY_ATTRIBUTES = ['bucket', 'name', 'identifier'] as const;

const nameKey = (type: string, identity: string): string => `${type}\0n\0${identity}`;
const arnKey = (type: string, arn: string): string => `${type}\0a\0${arn}`;

function isIgnored(path: string): boolean {
  return path.startsWith('.terraform/') || path.includes('/.terraform/');
}

function moduleDirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '.' : path.slice(0, slash);
}

function identitiesOf(
  label: string,
  body: HclObject | undefined,
): { names: Set<string>; arns: Set<string>; templates: string[] } {
  const names = new Set<string>([label]);
  const arns = new Set<string>();
  const templates: string[] = [];
  const take = (raw: unknown): void => {
    const value = literalString(raw);
    if (value !== undefined) names.add(value);
    else if (typeof raw === 'string') templates.push(raw);
  };
  if (body !== undefined) {
    for (const attr of IDENTITY_ATTRIBUTES) take(body[attr]);
    const tags = body['tags'];
    if (isHclObject(tags)) take(tags['Name']);
    const arn = literalString(body['arn']);
    if (arn !== undefined) arns.add(arn);
  }
  return { names, arns, templates };
}

interface FileResource {
  tfType: string;
  label: string;
  block: LocatedResource['block'];
  names: Set<string>;
  arns: Set<string>;
  /** Identity values written through interpolation, evaluated per module when the index is built. */
  templates: string[];
}

/**
 * Per-file scan results, keyed by the parsed document. The parser's cache hands out the same frozen document
 * for the same content, so an unchanged file is scanned once however many times it is located in.
 */
const scanned = new WeakMap<HclDocument, { content: string; resources: FileResource[] }>();

function fileResources(content: string, doc: HclDocument): FileResource[] {
  const memo = scanned.get(doc);
  if (memo !== undefined && memo.content === content) return memo.resources;
  const resources: FileResource[] = [];
  const seen = new Map<string, number>(); // duplicate type.label blocks pair with their bodies in order
  for (const block of scanBlocks(content)) {
    const [tfType, label] = block.labels;
    if (block.kind !== 'resource' || tfType === undefined || label === undefined) continue;
    const nth = seen.get(`${tfType}.${label}`) ?? 0;
    seen.set(`${tfType}.${label}`, nth + 1);
    const { start, end, startLine, endLine, text } = block;
    const { names, arns, templates } = identitiesOf(label, resourceBodies(doc, tfType, label)[nth]);
    // Frozen: the same block object is handed to every caller that locates this resource.
    resources.push({
      tfType,
      label,
      block: Object.freeze({ start, end, startLine, endLine, text }),
      names,
      arns,
      templates,
    });
  }
  // Only frozen (parser-cached) documents are shared and immutable, so only they are safe memo keys.
  if (Object.isFrozen(doc)) scanned.set(doc, { content, resources });
  return resources;
}

/**
 * Indexes every resource block of a file set by (type, identity). Build once per unchanged file set and
 * reuse it: locateIn is then a handful of map lookups. `docs` holds the parsed form of each file.
 */
export function indexResources(
  files: ReadonlyMap<string, string>,
  docs: ReadonlyMap<string, HclDocument>,
): ResourceIndex {
  const resources: LocatedResource[] = [];
  const byIdentity = new Map<string, number[]>();
  const add = (key: string, position: number): void => {
    const list = byIdentity.get(key);
    if (list === undefined) byIdentity.set(key, [position]);
    else if (list.at(-1) !== position) list.push(position);
  };
  const byPattern = new Map<string, { position: number; pattern: RegExp }[]>();
  let scopes: Map<string, ModuleScope> | undefined; // built on the first interpolated name only
  const paths = [...files.keys()].filter((p) => !isIgnored(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    const doc = docs.get(path);
    if (doc === undefined) {
      throw new TerraFixError('TFX_INTERNAL', `no parsed document for ${path}`, { category: 'permanent' });
    }
    const moduleDir = moduleDirOf(path);
    for (const r of fileResources(files.get(path) ?? '', doc)) {
      const position = resources.length;
      resources.push({
        path,
        address: `${r.tfType}.${r.label}`,
        tfType: r.tfType,
        label: r.label,
        block: r.block,
        moduleDir,
      });
      for (const name of r.names) add(nameKey(r.tfType, name), position);
      for (const arn of r.arns) add(arnKey(r.tfType, arn), position);
      for (const template of r.templates) {
        scopes ??= moduleScopes(new Map([...docs].filter(([p]) => !isIgnored(p))));
        const scope = scopes.get(moduleDir) ?? { variables: new Map(), locals: new Map() };
        for (const pattern of evaluateName(template, scope)) {
          const exact = exactName(pattern);
          const regex = exact === undefined ? patternRegExp(pattern) : undefined;
          if (exact !== undefined) add(nameKey(r.tfType, exact), position);
          else if (regex !== undefined)
            byPattern.set(r.tfType, [...(byPattern.get(r.tfType) ?? []), { position, pattern: regex }]);
        }
      }
    }
  }
  return { resources, byIdentity, byPattern };
}

/** The identities a failure names: ARN name, resource_details.name, resource_id (non-empty, deduplicated). */
export function failureIdentities(failure: Failure): string[] {
  const candidates = [
    parseArn(failure.resource_arn)?.name,
    failure.resource_details.name,
    failure.resource_id,
  ];
  return [...new Set(candidates.filter((c): c is string => typeof c === 'string' && c.trim() !== ''))];
}

/** Finds the failure's resource in a prebuilt index (see the module comment for the rules). */
export function locateIn(index: ResourceIndex, failure: Failure): LocatedResource {
  const types = terraformTypesFor(failure.resource_type);
  if (types.length === 0) {
    const message = `no Terraform resource type is known for ${failure.resource_type}`;
    throw new TerraFixError('TFX_RESOURCE_NOT_FOUND', message, { category: 'permanent' });
  }
  const identities = failureIdentities(failure);
  const hits = new Set<number>();
  for (const type of types) {
    for (const identity of identities)
      for (const p of index.byIdentity.get(nameKey(type, identity)) ?? []) hits.add(p);
    for (const p of index.byIdentity.get(arnKey(type, failure.resource_arn)) ?? []) hits.add(p);
  }
  let wildcard = false;
  if (hits.size === 0) {
    // No exact match: names with wildcards that could be the deployed one.
    for (const type of types)
      for (const { position, pattern } of index.byPattern.get(type) ?? [])
        if (identities.some((i) => pattern.test(i))) hits.add(position);
    wildcard = hits.size > 0;
  }
  const matches = [...hits].sort((a, b) => a - b).map((p) => index.resources[p] as LocatedResource);
  const [first] = matches;
  if (first !== undefined && matches.length === 1) return first;
  if (first === undefined) {
    const looked = identities.map((i) => `"${i}"`).join(', ') || '(no name in the ARN)';
    const message = `no ${types.join(' or ')} resource named ${looked} (label, bucket, name, identifier, tags.Name) or with arn ${failure.resource_arn}`;
    throw new TerraFixError('TFX_RESOURCE_NOT_FOUND', message, { category: 'permanent' });
  }
  const where = matches.map((m) => `${m.path}:${m.block.startLine} ${m.address}`).join(', ');
  const how = wildcard ? ' (names built from expressions TerraFix cannot evaluate)' : '';
  throw new TerraFixError(
    'TFX_RESOURCE_AMBIGUOUS',
    `${matches.length} resources could match ${failure.resource_arn}${how}: ${where}`,
    { category: 'permanent' },
  );
}

/** Finds the one resource block a failure names across a file set; throws NOT_FOUND or AMBIGUOUS otherwise. */
export function locateResource(
  files: ReadonlyMap<string, string>,
  docs: ReadonlyMap<string, HclDocument>,
  failure: Failure,
): LocatedResource {
  return locateIn(indexResources(files, docs), failure);
}

/** The resource block `address` (`type.label`) in one file's text, for callers that hold only the text. */
export function locateByAddress(path: string, content: string, address: string): LocatedResource {
  const dot = address.indexOf('.');
  const tfType = address.slice(0, dot);
  const label = address.slice(dot + 1);
  const block = scanBlocksCached(content).find(
    (b) => b.kind === 'resource' && b.labels[0] === tfType && b.labels[1] === label,
  );
  if (dot <= 0 || block === undefined) {
    throw new TerraFixError('TFX_RESOURCE_NOT_FOUND', `${address} is not declared in ${path}`, {
      category: 'permanent',
    });
  }
  const { start, end, startLine, endLine, text } = block;
  return {
    path,
    address,
    tfType,
    label,
    block: { start, end, startLine, endLine, text },
    moduleDir: moduleDirOf(path),
  };
}
