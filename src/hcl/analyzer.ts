/**
 * The core's TerraformAnalyzer over the HCL module: parse (cached, off the event loop), locate through a
 * resource index cached per checked-out revision, validate fixes (HCL checks, then terraform per the gate).
 */
import type { FixCheck, LocatedTarget, TerraformAnalyzer, TreeSnapshot } from '../pipeline/analyzer.js';
import type { Failure } from '../pipeline/failure.js';
import { indexResources, type LocatedResource, locateIn, type ResourceIndex } from './locate.js';
import { LruCache } from './lru.js';
import type { HclParser } from './parser.js';
import { RelatedBlockFinder } from './related-blocks.js';
import type { TerraformCheck } from './terraform.js';
import type { TerraformGate } from './terraform-gate.js';
import { runTerraformOn, validateFix } from './validate.js';

export interface HclAnalyzerOptions {
  parser: HclParser;
  terraform: TerraformGate;
  /** Revisions whose resource index is kept (LRU). */
  indexEntries?: number;
}

/** Builds the analyzer; the index cache follows the parser's cache switch so "cache off" means cold work. */
export function createHclAnalyzer(options: HclAnalyzerOptions): TerraformAnalyzer {
  const { parser, terraform } = options;
  const indexes = new LruCache<ResourceIndex>(options.indexEntries ?? 256);
  // terraform's verdict on an unfixed module, per revision: the "before" side of the diagnostics comparison.
  const baselines = new LruCache<Promise<TerraformCheck>>(64);
  const related = new RelatedBlockFinder({
    cacheEnabled: parser.cacheEnabled,
    entries: options.indexEntries ?? 256,
  });

  async function indexFor(tree: TreeSnapshot): Promise<ResourceIndex> {
    if (parser.cacheEnabled) {
      const hit = indexes.get(tree.revision);
      if (hit !== undefined) return hit;
    }
    const docs = await parser.parseAll(tree.files);
    const index = indexResources(tree.files, docs);
    if (parser.cacheEnabled) indexes.set(tree.revision, index);
    return index;
  }

  return {
    async locate(tree: TreeSnapshot, failure: Failure): Promise<LocatedTarget> {
      const located = locateIn(await indexFor(tree), failure);
      const { path, address } = located;
      const text = located.block.text;
      return {
        path,
        address,
        block: text,
        handle: located,
        related: related.find(tree, { path, address, text }),
      };
    },

    async validate(tree: TreeSnapshot, target: LocatedTarget, fixedContent: string): Promise<FixCheck> {
      const runner = await terraform.acquire();
      const located = target.handle as LocatedResource;
      const baseline = (): Promise<TerraformCheck> => {
        const key = `${tree.revision}\0${located.moduleDir}`;
        const hit = baselines.get(key);
        if (hit !== undefined || runner === undefined)
          return hit ?? Promise.reject(new Error('no terraform'));
        const check = runTerraformOn(tree.files, located.moduleDir, runner);
        baselines.set(key, check);
        return check;
      };
      const result = await validateFix({
        files: tree.files,
        path: target.path,
        fixedContent,
        located,
        parser,
        ...(runner === undefined ? {} : { terraform: runner, baseline }),
      });
      if (!result.ok) return { ok: false, code: result.code, reason: result.reason };
      if (result.terraform === 'inconclusive' && terraform.mode === 'required') {
        // Fail closed: `required` means a fix terraform could not judge does not become a PR.
        return { ok: false, code: 'TFX_FIX_INVALID', reason: result.terraformSummary };
      }
      const tf = result.terraform === 'skipped' ? terraform.skippedReason() : result.terraformSummary;
      return { ok: true, summary: `HCL checks passed (${result.checks.length - 1}); ${tf}` };
    },
  };
}
