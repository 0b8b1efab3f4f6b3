/**
 * Checks a proposed fix before it becomes a pull request: the fixed file parses; the target resource is
 * still declared; every other block of the original file is unchanged (parsed JSON compared); the fix is
 * not empty or cosmetic; added blocks (companions) do not clash with the module's other files; and, when a
 * terraform binary is available, `terraform validate` passes in a temporary copy of the tree with the fix.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { TerraFixError } from '../pipeline/errors.js';
import { scanBlocksCached } from './blocks.js';
import {
  blockEntries,
  firstBody,
  type HclDocument,
  type HclValue,
  literalString,
  sameValue,
} from './document.js';
import type { LocatedResource } from './locate.js';
import type { HclParser } from './parser.js';
import type { TerraformRunner } from './terraform.js';

export type FixValidation =
  | {
      ok: true;
      checks: string[];
      terraform: 'passed' | 'skipped';
      /** Block addresses the fix adds to the file (e.g. `resource.aws_s3_bucket_versioning.logs`). */
      added: string[];
    }
  | {
      ok: false;
      code: 'TFX_FIX_INVALID' | 'TFX_HCL_PARSE';
      reason: string;
      terraform: 'passed' | 'failed' | 'skipped';
    };

export interface ValidateFixInput {
  /** The workspace's files before the fix. */
  files: ReadonlyMap<string, string>;
  /** File the fix replaces. */
  path: string;
  fixedContent: string;
  located: LocatedResource;
  parser: HclParser;
  /** Present when a terraform binary is available (findTerraform); absent → terraform 'skipped'. */
  terraform?: TerraformRunner;
}

const invalid = (reason: string, terraform: 'passed' | 'failed' | 'skipped' = 'skipped'): FixValidation => ({
  ok: false,
  code: 'TFX_FIX_INVALID',
  reason,
  terraform,
});

async function parseFixed(
  parser: HclParser,
  path: string,
  content: string,
): Promise<{ doc: HclDocument } | { rejected: FixValidation }> {
  try {
    return { doc: await parser.parse(path, content) };
  } catch (error) {
    // Only a syntax error is the fix's fault; a worker crash or shutdown propagates (retryable).
    if (error instanceof TerraFixError && error.code === 'TFX_HCL_PARSE') {
      return { rejected: { ok: false, code: 'TFX_HCL_PARSE', reason: error.message, terraform: 'skipped' } };
    }
    throw error;
  }
}

/**
 * Companions of the target may change with it: other resource blocks that refer to it (`aws_s3_bucket.logs.id`,
 * `for_each = aws_s3_bucket.logs`) or name the same literal `bucket`, like an existing public access block.
 */
function companionTest(
  located: LocatedResource,
  target: HclValue | undefined,
): (key: string, value: HclValue) => boolean {
  const address = `${located.tfType}.${located.label}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const reference = new RegExp(`(^|[^\\w.-])${address}(?=[.[}\\s,)]|$)`);
  const bucket = literalString(firstBody(target)?.['bucket']);
  return (key, value) => {
    if (!key.startsWith('resource.')) return false;
    if (reference.test(JSON.stringify(value))) return true;
    return bucket !== undefined && literalString(firstBody(value)?.['bucket']) === bucket;
  };
}

const isIgnored = (path: string): boolean => /(^|\/)\.terraform\//.test(path);

/** Addresses among `added` that another file of the same module already declares. */
function clashes(input: ValidateFixInput, added: readonly string[]): string[] {
  if (added.length === 0) return [];
  const wanted = new Set(added);
  const found: string[] = [];
  for (const [path, content] of input.files) {
    if (path === input.path || posix.dirname(path) !== input.located.moduleDir || isIgnored(path)) continue;
    for (const block of scanBlocksCached(content)) {
      const address = [block.kind, ...block.labels].join('.');
      if (wanted.has(address)) found.push(`${address} (already in ${path})`);
    }
  }
  return found;
}

/** Writes the tree with the fix into a temp dir and runs terraform in the fixed file's module directory. */
async function runTerraform(
  input: ValidateFixInput,
  terraform: TerraformRunner,
): Promise<FixValidation | undefined> {
  let root: string | undefined;
  try {
    root = await mkdtemp(join(tmpdir(), 'terrafix-validate-'));
    for (const [path, content] of input.files) {
      const normalized = posix.normalize(path);
      if (normalized === '..' || normalized.startsWith('../') || posix.isAbsolute(normalized)) {
        return invalid(`unsafe file path ${path}`, 'failed');
      }
      if (isIgnored(normalized)) continue;
      const target = join(root, ...normalized.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, path === input.path ? input.fixedContent : content, 'utf8');
    }
    const check = await terraform.validate(join(root, ...input.located.moduleDir.split('/')));
    return check.ok ? undefined : invalid(`terraform ${check.stage} failed: ${check.reason}`, 'failed');
  } catch (error) {
    // Fail closed: a fix that could not be checked is not a valid fix.
    // The message of a file-system error names temporary paths of this machine: its errno code is enough.
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
    return invalid(`terraform could not run (${code})`, 'failed');
  } finally {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  }
}

/** Validates a proposed fix of `input.path`; see the module comment for the checks. Rejects only on parser failures. */
export async function validateFix(input: ValidateFixInput): Promise<FixValidation> {
  const { files, path, fixedContent, located, parser } = input;
  const original = files.get(path);
  if (original === undefined) return invalid(`${path} is not in the workspace`);
  if (fixedContent === original) return invalid('the fix is empty: the file is unchanged');
  const fixed = await parseFixed(parser, path, fixedContent);
  if ('rejected' in fixed) return fixed.rejected;
  const before = blockEntries(await parser.parse(path, original));
  const after = blockEntries(fixed.doc);
  const targetKey = `resource.${located.tfType}.${located.label}`;
  if (!after.has(targetKey)) return invalid(`the fix removes ${located.address}`);
  const isCompanion = companionTest(located, before.get(targetKey));
  const companionsChanged: string[] = [];
  for (const [key, value] of before) {
    if (key === targetKey) continue;
    if (!after.has(key)) return invalid(`the fix removes ${key}, which it must not touch`);
    if (sameValue(value, after.get(key))) continue;
    if (!isCompanion(key, value)) return invalid(`the fix changes ${key}, which it must not touch`);
    companionsChanged.push(key);
  }
  const added = [...after.keys()].filter((k) => !before.has(k));
  const targetChanged = !sameValue(before.get(targetKey), after.get(targetKey));
  if (added.length === 0 && !targetChanged && companionsChanged.length === 0) {
    return invalid(`the fix changes only comments or formatting; ${located.address} is unchanged`);
  }
  const clashing = clashes(input, added);
  if (clashing.length > 0) return invalid(`the fix declares ${clashing.join(', ')}`);
  const checks = [
    `${path} parses`,
    `${located.address} still declared${targetChanged ? ' and changed' : ''}`,
    `${before.size - 1 - companionsChanged.length} other block(s) unchanged`,
    ...companionsChanged.map((c) => `changes companion ${c}`),
    ...added.map((a) => `adds ${a}`),
  ];
  if (input.terraform === undefined) {
    return {
      ok: true,
      checks: [...checks, 'terraform validate skipped: no terraform binary'],
      terraform: 'skipped',
      added,
    };
  }
  const failed = await runTerraform(input, input.terraform);
  if (failed !== undefined) return failed;
  return { ok: true, checks: [...checks, 'terraform validate passed'], terraform: 'passed', added };
}
