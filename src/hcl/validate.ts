/**
 * Checks a proposed fix before it becomes a pull request, looking only at what changed:
 * 1. the changed region is found by a byte comparison of the old and new file (the rest is untouched by
 *    construction) and split into blocks (fix-change.ts);
 * 2. the guardrails (guardrails.ts): only the target and its companions change, added blocks refer to the
 *    target, nothing is deleted, no provisioner / backend / provider change, paths stay inside the root;
 * 3. the changed and added blocks parse, the fix is not cosmetic, added blocks clash with nothing in the module;
 * 4. when a terraform binary is available, `terraform validate` runs on a temporary copy of the tree with the
 *    fix, and the fix is judged by the diagnostics it adds compared with the tree before it (diagnostics.ts).
 * The whole file is parsed by terraform only, and only when terraform runs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { TerraFixError } from '../pipeline/errors.js';
import { scanBlocksCached } from './blocks.js';
import { compareChecks } from './diagnostics.js';
import { blockEntries, type HclDocument, sameValue } from './document.js';
import { type BlockChange, diffBlocks } from './fix-change.js';
import { checkGuardrails } from './guardrails.js';
import type { LocatedResource } from './locate.js';
import type { HclParser } from './parser.js';
import type { TerraformCheck, TerraformRunner } from './terraform.js';

export type FixValidation =
  | {
      ok: true;
      checks: string[];
      terraform: 'passed' | 'skipped' | 'inconclusive';
      /** Block addresses the fix adds to the file (e.g. `resource.aws_s3_bucket_versioning.logs`). */
      added: string[];
      /** One line on terraform's verdict (or why it did not run). */
      terraformSummary: string;
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
  /**
   * terraform's verdict on the tree before the fix, for the located module; the caller may cache it per
   * revision. Default: run terraform on the unfixed tree.
   */
  baseline?: () => Promise<TerraformCheck>;
}

const invalid = (reason: string, terraform: 'passed' | 'failed' | 'skipped' = 'skipped'): FixValidation => ({
  ok: false,
  code: 'TFX_FIX_INVALID',
  reason,
  terraform,
});

const isIgnored = (path: string): boolean => /(^|\/)\.terraform\//.test(path);

function isSafe(path: string): boolean {
  const normalized = posix.normalize(path);
  return normalized !== '..' && !normalized.startsWith('../') && !posix.isAbsolute(normalized);
}

/** Parses the given block texts as one small document; a syntax error is the fix's fault. */
async function parseBlocks(
  parser: HclParser,
  path: string,
  texts: readonly string[],
): Promise<{ doc: HclDocument } | { rejected: FixValidation }> {
  try {
    return { doc: await parser.parse(path, texts.join('\n\n')) };
  } catch (error) {
    // Only a syntax error is the fix's fault; a worker crash or shutdown propagates (retryable).
    if (error instanceof TerraFixError && error.code === 'TFX_HCL_PARSE') {
      return { rejected: { ok: false, code: 'TFX_HCL_PARSE', reason: error.message, terraform: 'skipped' } };
    }
    throw error;
  }
}

/** Addresses among `added` already declared in the module (other files, or untouched blocks of this file). */
function clashes(input: ValidateFixInput, added: readonly string[]): string[] {
  if (added.length === 0) return [];
  const wanted = new Set(added);
  const found: string[] = [];
  for (const [path, content] of input.files) {
    if (posix.dirname(path) !== input.located.moduleDir || isIgnored(path)) continue;
    for (const block of scanBlocksCached(content)) {
      const address = [block.kind, ...block.labels].join('.');
      if (wanted.has(address)) found.push(`${address} (already in ${path})`);
    }
  }
  return found;
}

/** Writes the tree (with `fixed` for `path` when given) into a temp dir and runs terraform in the module. */
export async function runTerraformOn(
  files: ReadonlyMap<string, string>,
  moduleDir: string,
  terraform: TerraformRunner,
  fix?: { path: string; content: string },
): Promise<TerraformCheck> {
  let root: string | undefined;
  try {
    root = await mkdtemp(join(tmpdir(), 'terrafix-validate-'));
    for (const [path, content] of files) {
      if (!isSafe(path)) return { ok: false, stage: 'init', reason: `unsafe file path ${path}` };
      const normalized = posix.normalize(path);
      if (isIgnored(normalized)) continue;
      const target = join(root, ...normalized.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, fix !== undefined && path === fix.path ? fix.content : content, 'utf8');
    }
    return await terraform.validate(join(root, ...moduleDir.split('/')));
  } catch (error) {
    // Fail closed: a fix that could not be checked is not a valid fix.
    // The message of a file-system error names temporary paths of this machine: its errno code is enough.
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
    return { ok: false, stage: 'validate', reason: `terraform could not run (${code})` };
  } finally {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  }
}

/** Whether every changed block parses to the same value as before (comments or formatting only). */
function cosmetic(changes: readonly BlockChange[], before: HclDocument, after: HclDocument): boolean {
  if (changes.some((c) => c.before === undefined)) return false;
  const old = blockEntries(before);
  const now = blockEntries(after);
  return changes.every((c) => {
    const key = [c.kind, ...c.labels].join('.');
    return sameValue(old.get(key), now.get(key));
  });
}

/** Validates a proposed fix of `input.path`; see the module comment for the checks. Rejects only on parser failures. */
export async function validateFix(input: ValidateFixInput): Promise<FixValidation> {
  const { files, path, fixedContent, located, parser } = input;
  const original = files.get(path);
  if (original === undefined) return invalid(`${path} is not in the workspace`);
  if (fixedContent === original) return invalid('the fix is empty: the file is unchanged');
  const change = diffBlocks(original, fixedContent);
  if (!change.ok)
    return { ok: false, code: 'TFX_HCL_PARSE', reason: `${path}: ${change.reason}`, terraform: 'skipped' };
  const verdict = checkGuardrails({
    path,
    target: { tfType: located.tfType, label: located.label, text: located.block.text },
    changes: change.blocks,
  });
  if (!verdict.ok) return invalid(`guardrail ${verdict.rule}: ${verdict.reason}`);
  const afterTexts = change.blocks.flatMap((c) => (c.after === undefined ? [] : [c.after]));
  const parsedAfter = await parseBlocks(parser, path, afterTexts);
  if ('rejected' in parsedAfter) return parsedAfter.rejected;
  const beforeTexts = change.blocks.flatMap((c) => (c.before === undefined ? [] : [c.before]));
  const parsedBefore = await parseBlocks(parser, path, beforeTexts);
  if ('rejected' in parsedBefore)
    return invalid(
      `${path} did not parse before the fix: ${parsedBefore.rejected.ok ? '' : parsedBefore.rejected.reason}`,
    );
  if (cosmetic(change.blocks, parsedBefore.doc, parsedAfter.doc)) {
    return invalid(`the fix changes only comments or formatting; ${located.address} is unchanged`);
  }
  const clashing = clashes(input, verdict.added);
  if (clashing.length > 0) return invalid(`the fix declares ${clashing.join(', ')}`);
  const checks = [
    `guardrails passed (${change.blocks.length} block(s) changed, rest of ${path} byte-identical)`,
    'changed blocks parse',
    ...(verdict.targetChanged ? [`changes ${located.address}`] : []),
    ...verdict.companions.map((c) => `changes companion ${c}`),
    ...verdict.added.map((a) => `adds ${a}`),
  ];
  const { terraform } = input;
  if (terraform === undefined) {
    const terraformSummary = 'terraform validate skipped: no terraform binary';
    return {
      ok: true,
      checks: [...checks, terraformSummary],
      terraform: 'skipped',
      added: verdict.added,
      terraformSummary,
    };
  }
  const unsafe = [...files.keys()].find((p) => !isSafe(p));
  if (unsafe !== undefined) return invalid(`unsafe file path ${unsafe}`, 'failed');
  const [before, after] = await Promise.all([
    input.baseline?.() ?? runTerraformOn(files, located.moduleDir, terraform),
    runTerraformOn(files, located.moduleDir, terraform, { path, content: fixedContent }),
  ]);
  const judged = compareChecks(before, after);
  if (judged.kind === 'rejected') return invalid(judged.reason, 'failed');
  return {
    ok: true,
    checks: [...checks, judged.summary],
    terraform: judged.kind === 'passed' ? 'passed' : 'inconclusive',
    added: verdict.added,
    terraformSummary: judged.summary,
  };
}
