/** A filler bundle: a few related blocks (a bucket and its settings, a function and its role, ...). */
import type { Scope } from './hcl-text.js';
import type { Rng } from './prng.js';

/** One block's text and the root file it belongs in (team modules put everything in main.tf). */
export interface Piece {
  file: string;
  text: string;
}

export interface BundleContext {
  scope: Scope;
  rng: Rng;
  /** A label free for every listed resource type in this module, derived from `base`. */
  label: (types: readonly string[], base: string) => string;
}

export type Bundle = (ctx: BundleContext, word: string) => Piece[];

/** Resource names derived from a label: `orders_2` → `orders-2`. */
export function slug(label: string): string {
  return label.replaceAll('_', '-');
}
