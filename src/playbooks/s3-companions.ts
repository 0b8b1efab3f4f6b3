/**
 * The separate `aws_s3_bucket_*` resources AWS provider v4+ uses for bucket settings (public access block,
 * versioning, default encryption). An existing companion for the same bucket in the file is edited; otherwise
 * one is added right after the bucket, repeating the bucket's `count` / `for_each` so there is one companion
 * per bucket instance.
 */
import type { HclBlock } from '../hcl/blocks.js';
import { BodyEditor } from './edits.js';
import { alignedAttributes, type FixContext } from './fix-context.js';
import { readLiteral } from './literal.js';

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

/** The companion of `type` for the located bucket in the same file, if there is one. */
export function existingCompanion(ctx: FixContext, type: string): HclBlock | undefined {
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

/** Queues a new companion block of `type` (body lines relative to the block) after the bucket; returns its address. */
export function addCompanion(ctx: FixContext, type: string, suffix: string, body: string[]): string {
  const { meta, bucket } = bucketReference(ctx);
  const head = meta.length > 0 ? [...alignedAttributes(meta), ''] : [];
  const lines = [...head, ...alignedAttributes([['bucket', bucket]]), '', ...body].map((l) =>
    l === '' ? l : `  ${l}`,
  );
  const label = companionLabel(ctx, type, suffix);
  ctx.companions.push([`resource "${type}" "${label}" {`, ...lines, '}'].join('\n'));
  return `${type}.${label}`;
}

/** `true` / `false` from a boolean or its string form, else undefined. */
export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}
