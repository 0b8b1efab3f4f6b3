/**
 * S3 bucket fixes for AWS provider v5, where public access blocking and versioning are separate resources
 * (`aws_s3_bucket_public_access_block`, `aws_s3_bucket_versioning`), not bucket attributes. An existing
 * companion for the same bucket in the file is edited; otherwise one is added right after the bucket,
 * repeating the bucket's `count` / `for_each` so there is one companion per bucket instance.
 */
import type { HclBlock } from '../../hcl/blocks.js';
import { BodyEditor } from './edits.js';
import { alignedAttributes, editorFor, type FixContext } from './fix-context.js';
import { hclString, readLiteral } from './literal.js';

export const PUBLIC_ACCESS_KEYS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
] as const;

const PAB_TYPE = 'aws_s3_bucket_public_access_block';
const VERSIONING_TYPE = 'aws_s3_bucket_versioning';

/** How a companion refers to the bucket, and the meta-arguments it needs to match the bucket's instances. */
function bucketReference(ctx: FixContext): { meta: [string, string][]; bucket: string } {
  const { tfType, label } = ctx.located;
  const count = ctx.target.attribute('count');
  if (count !== undefined)
    return { meta: [['count', count.value]], bucket: `${tfType}.${label}[count.index].id` };
  if (ctx.target.attribute('for_each') !== undefined) {
    return { meta: [['for_each', `${tfType}.${label}`]], bucket: 'each.value.id' };
  }
  return { meta: [], bucket: `${tfType}.${label}.id` };
}

/** Whether a companion block's `bucket` argument points at the located bucket. */
function refersToBucket(ctx: FixContext, companion: HclBlock): boolean {
  const reader = new BodyEditor(ctx.content, companion, ctx.lines, ctx.eol); // read only: never rendered
  const bucket = reader.attribute('bucket')?.value.replace(/\s+/g, '');
  if (bucket === undefined) return false;
  const { tfType, label } = ctx.located;
  const ref = `${tfType}.${label}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`^${ref}(\\[[^\\]]*\\])?\\.(id|bucket)$`).test(bucket)) return true;
  const forEach = reader.attribute('for_each')?.value.replace(/\s+/g, '');
  if (/^each\.value\.(id|bucket)$/.test(bucket) && forEach === `${tfType}.${label}`) return true;
  const name = readLiteral(ctx.target.attribute('bucket')?.value ?? '');
  return typeof name === 'string' && readLiteral(bucket) === name;
}

function existingCompanion(ctx: FixContext, type: string): HclBlock | undefined {
  return ctx.blocks.find((b) => b.kind === 'resource' && b.labels[0] === type && refersToBucket(ctx, b));
}

/** The bucket's label, or a suffixed one when the file already declares `type.label` for another bucket. */
function companionLabel(ctx: FixContext, type: string, suffix: string): string {
  const taken = new Set(
    ctx.blocks.filter((b) => b.kind === 'resource' && b.labels[0] === type).map((b) => b.labels[1]),
  );
  let label = ctx.located.label;
  for (let n = 1; taken.has(label); n += 1) label = `${ctx.located.label}_${suffix}${n === 1 ? '' : n}`;
  return label;
}

function companionBlock(ctx: FixContext, type: string, suffix: string, body: string[]): string {
  const { meta, bucket } = bucketReference(ctx);
  const head = meta.length > 0 ? [...alignedAttributes(meta), ''] : [];
  const lines = [...head, ...alignedAttributes([['bucket', bucket]]), '', ...body].map((l) =>
    l === '' ? l : `  ${l}`,
  );
  return [`resource "${type}" "${companionLabel(ctx, type, suffix)}" {`, ...lines, '}'].join('\n');
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

/** Sets the public access block flags in `state` (a subset of PUBLIC_ACCESS_KEYS) for the located bucket. */
export function fixPublicAccessBlock(ctx: FixContext, state: Partial<Record<string, unknown>>): void {
  const flags: [string, string][] = [];
  for (const key of PUBLIC_ACCESS_KEYS) {
    if (!(key in state)) continue;
    const value = asBoolean(state[key]);
    if (value === undefined) ctx.notes.push(`${key}: expected true or false, left unchanged`);
    else flags.push([key, String(value)]);
  }
  if (flags.length === 0) return;
  const existing = existingCompanion(ctx, PAB_TYPE);
  if (existing !== undefined) {
    const editor = editorFor(ctx, existing);
    const changed = flags.filter(([key, literal]) => editor.set(key, literal)).map(([key]) => key);
    ctx.changed.push(...changed);
    const address = `${PAB_TYPE}.${existing.labels[1] ?? ''}`;
    ctx.notes.push(
      changed.length > 0
        ? `set ${changed.join(', ')} on ${address}`
        : `${address} already blocks public access`,
    );
    return;
  }
  ctx.companions.push(companionBlock(ctx, PAB_TYPE, 'public_access', alignedAttributes(flags)));
  ctx.changed.push(...flags.map(([key]) => key));
  ctx.notes.push(
    `added ${PAB_TYPE} for ${ctx.located.address} (${flags.map(([k, v]) => `${k} = ${v}`).join(', ')})`,
  );
}

/** `Enabled` / `Suspended` / `Disabled` from the forms a required state may use for versioning. */
export function versioningStatus(value: unknown): 'Enabled' | 'Suspended' | 'Disabled' | undefined {
  if (value === true) return 'Enabled';
  if (value === false) return 'Suspended';
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'enabled' || lower === 'true') return 'Enabled';
    if (lower === 'suspended' || lower === 'false') return 'Suspended';
    if (lower === 'disabled') return 'Disabled';
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return versioningStatus(record['status'] ?? record['Status'] ?? record['enabled']);
  }
  return undefined;
}

/** Sets the bucket's versioning status: existing companion, else inline `versioning {}`, else a new companion. */
export function fixVersioning(ctx: FixContext, value: unknown): void {
  const status = versioningStatus(value);
  if (status === undefined) {
    ctx.notes.push(`versioning: unrecognised value ${JSON.stringify(value)}, left unchanged`);
    return;
  }
  const existing = existingCompanion(ctx, VERSIONING_TYPE);
  if (existing !== undefined) {
    const editor = editorFor(ctx, existing);
    const address = `${VERSIONING_TYPE}.${existing.labels[1] ?? ''}`;
    const [config] = editor.blocks('versioning_configuration');
    let changed: boolean;
    if (config === undefined) {
      editor.insertLines(['', 'versioning_configuration {', `  status = ${hclString(status)}`, '}']);
      changed = true;
    } else {
      changed = editorFor(ctx, config).set('status', hclString(status));
    }
    if (changed) ctx.changed.push('versioning');
    ctx.notes.push(
      changed ? `set versioning status ${status} on ${address}` : `${address} already ${status}`,
    );
    return;
  }
  const [inline] = ctx.target.blocks('versioning');
  if (inline !== undefined) {
    const changed = editorFor(ctx, inline).set('enabled', String(status === 'Enabled'));
    if (changed) ctx.changed.push('versioning');
    const what = `versioning.enabled = ${String(status === 'Enabled')}`;
    ctx.notes.push(
      changed ? `set ${what} on ${ctx.located.address}` : `${ctx.located.address} already has ${what}`,
    );
    return;
  }
  const body = ['versioning_configuration {', `  status = ${hclString(status)}`, '}'];
  ctx.companions.push(companionBlock(ctx, VERSIONING_TYPE, 'versioning', body));
  ctx.changed.push('versioning');
  ctx.notes.push(`added ${VERSIONING_TYPE} for ${ctx.located.address} with status ${status}`);
}
