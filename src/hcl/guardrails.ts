/**
 * Guardrails every fix must pass, whoever wrote it (playbook or model), judged on the blocks it changed
 * (fix-change.ts). Pure: no parsing, no I/O.
 * - only the target block changes; an existing block may change too only when it is a companion of the target
 *   (a known `aws_s3_bucket_*` settings resource of that bucket, see COMPANION_TYPES) that refers to it;
 * - added blocks are `resource` or `data` blocks (never `data "external"`) that refer to the target;
 * - nothing is deleted;
 * - no new `provisioner`, `local-exec` / `remote-exec`, `backend`, and no change of the `provider` meta-argument;
 * - the file and every file path the fix introduces (`file()`, `templatefile()`, `source`, `filename`, ...)
 *   stay inside the Terraform root.
 */
import { posix } from 'node:path';
import type { BlockChange } from './fix-change.js';

export type GuardrailVerdict =
  | {
      ok: true;
      targetChanged: boolean;
      /** Addresses of added blocks. */
      added: string[];
      /** Addresses of existing companion blocks the fix changed. */
      companions: string[];
    }
  | { ok: false; rule: GuardrailRule; reason: string };

export type GuardrailRule =
  | 'other-block-changed'
  | 'block-deleted'
  | 'unrelated-block-added'
  | 'forbidden-construct'
  | 'provider-changed'
  | 'path-outside-root';

export interface GuardrailInput {
  /** Relative POSIX path of the edited file inside the Terraform root. */
  path: string;
  /** The target resource and its block's text before the fix. */
  target: { tfType: string; label: string; text: string };
  changes: readonly BlockChange[];
}

/** Settings resources that belong to one resource and may be edited with it. */
export const COMPANION_TYPES: Readonly<Record<string, readonly string[]>> = {
  aws_s3_bucket: [
    'aws_s3_bucket_public_access_block',
    'aws_s3_bucket_versioning',
    'aws_s3_bucket_server_side_encryption_configuration',
    'aws_s3_bucket_logging',
    'aws_s3_bucket_lifecycle_configuration',
    'aws_s3_bucket_ownership_controls',
  ],
};

const FORBIDDEN: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\bprovisioner\s+"/g, what: 'a provisioner' },
  { pattern: /"(?:local|remote)-exec"/g, what: 'local-exec / remote-exec' },
  { pattern: /\bbackend\s+"/g, what: 'a backend' },
  { pattern: /\bdata\s+"external"/g, what: 'an external data source' },
];
const PROVIDER_ARGUMENT = /^[ \t]*provider[ \t]*=[ \t]*([^\n#]*?)\s*$/m;
const FILE_FUNCTION = /\b(?:file\w*|templatefile|pathexpand|abspath)\(\s*"((?:[^"\\\n]|\\.)*)"/g;
const PATH_ARGUMENT =
  /\b(?:source|source_file|source_dir|filename|output_path|working_dir)\s*=\s*"((?:[^"\\\n]|\\.)*)"/g;

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;
const stripComments = (text: string): string => text.replace(/(?:#|\/\/)[^\n]*/g, '');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function refersTo(text: string, address: string, bucket: string | undefined): boolean {
  const code = stripComments(text);
  if (new RegExp(`(^|[^\\w.-])${escapeRegExp(address)}(?=[.[\\s,)}\\]]|$)`).test(code)) return true;
  return bucket !== undefined && new RegExp(`\\bbucket\\s*=\\s*"${escapeRegExp(bucket)}"`).test(code);
}

/** Paths a text names (file functions and path arguments). */
function pathsIn(text: string): string[] {
  const code = stripComments(text);
  return [...code.matchAll(FILE_FUNCTION), ...code.matchAll(PATH_ARGUMENT)].map((m) => m[1] ?? '');
}

/** Whether `raw` (as written in the file at `path`) provably resolves inside the Terraform root. */
export function pathInsideRoot(path: string, raw: string): boolean {
  let relative: string;
  const moduleDir = posix.dirname(path);
  if (raw.startsWith('${path.module}/'))
    relative = posix.join(moduleDir, raw.slice('${path.module}/'.length));
  else if (raw.startsWith('${path.root}/')) relative = raw.slice('${path.root}/'.length);
  else relative = raw;
  if (
    relative.includes('${') ||
    relative.includes('%{') ||
    relative.includes('://') ||
    relative.includes('::')
  )
    return false;
  if (posix.isAbsolute(relative) || relative.startsWith('~')) return false;
  const normalized = posix.normalize(relative);
  return normalized !== '..' && !normalized.startsWith('../');
}

function forbiddenAdded(before: string, after: string): string | undefined {
  const old = stripComments(before);
  const now = stripComments(after);
  for (const { pattern, what } of FORBIDDEN) if (count(now, pattern) > count(old, pattern)) return what;
  return undefined;
}

const providerOf = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : PROVIDER_ARGUMENT.exec(stripComments(text))?.[1];

/** Judges the changed blocks of one fix (see the module comment). */
export function checkGuardrails(input: GuardrailInput): GuardrailVerdict {
  const { target, changes } = input;
  const address = `${target.tfType}.${target.label}`;
  const targetKey = `resource.${address}`;
  if (
    !pathInsideRoot('.', input.path) ||
    input.path.startsWith('.terraform/') ||
    input.path.includes('/.terraform/')
  ) {
    return { ok: false, rule: 'path-outside-root', reason: `${input.path} is outside the Terraform root` };
  }
  const targetChange = changes.find((c) => c.address === targetKey);
  const bucket = /\bbucket\s*=\s*"([^"$%\n]*)"/.exec(stripComments(target.text))?.[1];
  const targetProvider = providerOf(targetChange?.after ?? target.text);
  const added: string[] = [];
  const companions: string[] = [];
  for (const change of changes) {
    const where = change.address;
    if (change.after === undefined)
      return { ok: false, rule: 'block-deleted', reason: `the fix deletes ${where}` };
    const bad = forbiddenAdded(change.before ?? '', change.after);
    if (bad !== undefined)
      return { ok: false, rule: 'forbidden-construct', reason: `the fix adds ${bad} in ${where}` };
    const oldPaths = new Set(pathsIn(change.before ?? ''));
    const outside = pathsIn(change.after).find((p) => !oldPaths.has(p) && !pathInsideRoot(input.path, p));
    if (outside !== undefined) {
      return {
        ok: false,
        rule: 'path-outside-root',
        reason: `${where} names ${outside}, outside the Terraform root`,
      };
    }
    if (where === targetKey) {
      if (providerOf(change.before) !== providerOf(change.after)) {
        return { ok: false, rule: 'provider-changed', reason: `the fix changes the provider of ${address}` };
      }
      continue;
    }
    const isCompanion =
      change.kind === 'resource' &&
      (COMPANION_TYPES[target.tfType] ?? []).includes(change.labels[0] ?? '') &&
      refersTo(change.before ?? change.after, address, bucket);
    if (change.before !== undefined) {
      if (!isCompanion)
        return {
          ok: false,
          rule: 'other-block-changed',
          reason: `the fix changes ${where}, which it must not touch`,
        };
      if (providerOf(change.before) !== providerOf(change.after)) {
        return { ok: false, rule: 'provider-changed', reason: `the fix changes the provider of ${where}` };
      }
      companions.push(where);
      continue;
    }
    if (change.kind !== 'resource' && change.kind !== 'data') {
      return {
        ok: false,
        rule: 'unrelated-block-added',
        reason: `the fix adds a ${change.kind} block; only resources and data sources that refer to ${address} may be added`,
      };
    }
    if (!refersTo(change.after, address, bucket)) {
      return {
        ok: false,
        rule: 'unrelated-block-added',
        reason: `the fix adds ${where}, which does not refer to ${address}`,
      };
    }
    if (providerOf(change.after) !== targetProvider) {
      return {
        ok: false,
        rule: 'provider-changed',
        reason: `${where} uses another provider than ${address}`,
      };
    }
    added.push(where);
  }
  return { ok: true, targetChanged: targetChange !== undefined, added, companions };
}
