import type { Failure } from './failure.js';
import type { RelatedBlock } from './ports.js';

/** Where the failing resource is declared. `handle` is the analyzer's own data, passed back to validate(). */
export interface LocatedTarget {
  path: string;
  address: string;
  block: string;
  handle: unknown;
  /** Blocks related to the target (what it names, what names it), bounded; feeds FixRequest.related. */
  related?: readonly RelatedBlock[] | undefined;
}

export type FixCheck =
  { ok: true; summary: string } | { ok: false; code: 'TFX_FIX_INVALID' | 'TFX_HCL_PARSE'; reason: string };

/**
 * The files of one checked-out revision. `revision` identifies the content (a commit, or a synthetic id that
 * changes whenever a file does), so work derived from the files may be cached by it.
 */
export interface TreeSnapshot {
  revision: string;
  files: ReadonlyMap<string, string>;
}

/**
 * Terraform understanding the core needs: parse + locate (stage parse_terraform) and fix validation
 * (stage validate_fix). Implemented over the HCL module; real in both mock and production mode.
 */
export interface TerraformAnalyzer {
  locate(tree: TreeSnapshot, failure: Failure): Promise<LocatedTarget>;
  validate(tree: TreeSnapshot, target: LocatedTarget, fixedContent: string): Promise<FixCheck>;
}
