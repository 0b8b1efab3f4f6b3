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
import type { TerraformGate } from './terraform-gate.js';
import { validateFix } from './validate.js';

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
      const result = await validateFix({
        files: tree.files,
        path: target.path,
        fixedContent,
        located: target.handle as LocatedResource,
        parser,
        ...(runner === undefined ? {} : { terraform: runner }),
      });
      if (!result.ok) return { ok: false, code: result.code, reason: result.reason };
      const tf = result.terraform === 'passed' ? 'terraform validate passed' : terraform.skippedReason();
      return { ok: true, summary: `HCL checks passed (${result.checks.length - 1}); ${tf}` };
    },
  };
}
