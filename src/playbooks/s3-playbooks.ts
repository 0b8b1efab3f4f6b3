/**
 * S3 bucket playbooks for AWS provider v4+: public access block, versioning and default encryption, each a
 * separate `aws_s3_bucket_*` resource next to the bucket. An inline `versioning {}` or
 * `server_side_encryption_configuration {}` block the bucket already has is edited in place instead (the
 * provider rejects a bucket configured both ways, and the in-place edit keeps the diff minimal).
 */
import { editorFor, type FixContext } from './fix-context.js';
import { hclString } from './literal.js';
import { changed, compliant, type Playbook, type PlaybookResult, unsupported } from './playbook.js';
import { addCompanion, asBoolean, existingCompanion } from './s3-companions.js';

const BUCKET = ['aws_s3_bucket'];
const PUBLIC_ACCESS_KEYS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
] as const;
const PAB_TYPE = 'aws_s3_bucket_public_access_block';
const VERSIONING_TYPE = 'aws_s3_bucket_versioning';
const SSE_TYPE = 'aws_s3_bucket_server_side_encryption_configuration';

function publicAccessBlock(ctx: FixContext, state: Readonly<Record<string, unknown>>): PlaybookResult {
  const flags: [string, string][] = [];
  for (const key of PUBLIC_ACCESS_KEYS) {
    if (!(key in state)) continue;
    const value = asBoolean(state[key]);
    if (value === undefined) return unsupported(`${key}: expected true or false`);
    flags.push([key, String(value)]);
  }
  const existing = existingCompanion(ctx, PAB_TYPE);
  if (existing !== undefined) {
    const editor = editorFor(ctx, existing);
    const set = flags.filter(([key, literal]) => editor.set(key, literal)).map(([key]) => key);
    const address = `${PAB_TYPE}.${existing.labels[1] ?? ''}`;
    if (set.length === 0) {
      ctx.notes.push(`${address} already sets ${flags.map(([k, v]) => `${k} = ${v}`).join(', ')}`);
      return compliant;
    }
    ctx.changed.push(...set);
    ctx.notes.push(`set ${set.join(', ')} on ${address}`);
    return changed;
  }
  const address = addCompanion(ctx, PAB_TYPE, 'public_access', alignedFlags(flags));
  ctx.changed.push(...flags.map(([key]) => key));
  ctx.notes.push(`added ${address} (${flags.map(([k, v]) => `${k} = ${v}`).join(', ')})`);
  return changed;
}

function alignedFlags(flags: readonly [string, string][]): string[] {
  const width = Math.max(0, ...flags.map(([k]) => k.length));
  return flags.map(([k, v]) => `${k.padEnd(width)} = ${v}`);
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

function versioning(ctx: FixContext, state: Readonly<Record<string, unknown>>): PlaybookResult {
  const status = versioningStatus(state['versioning']);
  if (status === undefined)
    return unsupported(`versioning: unrecognised value ${JSON.stringify(state['versioning'])}`);
  const existing = existingCompanion(ctx, VERSIONING_TYPE);
  if (existing !== undefined) {
    const editor = editorFor(ctx, existing);
    const address = `${VERSIONING_TYPE}.${existing.labels[1] ?? ''}`;
    const [config] = editor.blocks('versioning_configuration');
    if (config === undefined) {
      editor.insertLines(['', 'versioning_configuration {', `  status = ${hclString(status)}`, '}']);
    } else if (!editorFor(ctx, config).set('status', hclString(status))) {
      ctx.notes.push(`${address} already ${status}`);
      return compliant;
    }
    ctx.changed.push('versioning');
    ctx.notes.push(`set versioning status ${status} on ${address}`);
    return changed;
  }
  const [inline] = ctx.target.blocks('versioning');
  if (inline !== undefined) {
    const what = `versioning.enabled = ${String(status === 'Enabled')}`;
    if (!editorFor(ctx, inline).set('enabled', String(status === 'Enabled'))) {
      ctx.notes.push(`${ctx.located.address} already has ${what}`);
      return compliant;
    }
    ctx.changed.push('versioning');
    ctx.notes.push(`set ${what} on ${ctx.located.address}`);
    return changed;
  }
  const body = ['versioning_configuration {', `  status = ${hclString(status)}`, '}'];
  const address = addCompanion(ctx, VERSIONING_TYPE, 'versioning', body);
  ctx.changed.push('versioning');
  ctx.notes.push(`added ${address} with status ${status}`);
  return changed;
}

const SSE_ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

function defaultEncryption(ctx: FixContext, state: Readonly<Record<string, unknown>>): PlaybookResult {
  const algorithm = state['sse_algorithm'] ?? 'AES256';
  const kmsKey = state['kms_master_key_id'];
  if (typeof algorithm !== 'string' || !SSE_ALGORITHMS.has(algorithm)) {
    return unsupported(`sse_algorithm: expected one of ${[...SSE_ALGORITHMS].join(', ')}`);
  }
  if (kmsKey !== undefined && typeof kmsKey !== 'string')
    return unsupported('kms_master_key_id: expected a string');
  const settings: [string, string][] = [['sse_algorithm', hclString(algorithm)]];
  if (kmsKey !== undefined) settings.push(['kms_master_key_id', hclString(kmsKey)]);
  const existing = existingCompanion(ctx, SSE_TYPE);
  const [inline] = ctx.target.blocks('server_side_encryption_configuration');
  const holder = existing ?? inline;
  if (holder !== undefined) {
    // rule { apply_server_side_encryption_by_default { ... } } inside the companion or the inline block.
    const [rule] = editorFor(ctx, holder).blocks('rule');
    const defaults =
      rule === undefined
        ? undefined
        : editorFor(ctx, rule).blocks('apply_server_side_encryption_by_default')[0];
    if (defaults === undefined)
      return unsupported('existing encryption configuration has no rule with defaults');
    const editor = editorFor(ctx, defaults);
    const set = settings.filter(([key, literal]) => editor.set(key, literal)).map(([key]) => key);
    const where = existing === undefined ? ctx.located.address : `${SSE_TYPE}.${existing.labels[1] ?? ''}`;
    if (set.length === 0) {
      ctx.notes.push(`${where} already encrypts with ${algorithm}`);
      return compliant;
    }
    ctx.changed.push(...set);
    ctx.notes.push(`set ${set.join(', ')} on ${where}`);
    return changed;
  }
  const width = Math.max(...settings.map(([k]) => k.length));
  const body = [
    'rule {',
    '  apply_server_side_encryption_by_default {',
    ...settings.map(([k, v]) => `    ${k.padEnd(width)} = ${v}`),
    '  }',
    '}',
  ];
  const address = addCompanion(ctx, SSE_TYPE, 'encryption', body);
  ctx.changed.push(...settings.map(([k]) => k));
  ctx.notes.push(`added ${address} with default encryption ${algorithm}`);
  return changed;
}

export const S3_PLAYBOOKS: readonly Playbook[] = [
  { name: 's3-public-access-block', types: BUCKET, keys: PUBLIC_ACCESS_KEYS, apply: publicAccessBlock },
  { name: 's3-versioning', types: BUCKET, keys: ['versioning'], apply: versioning },
  {
    name: 's3-default-encryption',
    types: BUCKET,
    keys: ['sse_algorithm', 'kms_master_key_id'],
    apply: defaultEncryption,
  },
];
