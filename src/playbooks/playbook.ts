/**
 * A playbook: a deterministic fix for one common control, applied as minimal text edits through a FixContext.
 * It owns some `required_state` keys for some resource types; it says whether it changed the file, found the
 * Terraform already compliant, or cannot handle the shape it found (then the model gets the failure).
 */
import type { FixContext } from './fix-context.js';

export type PlaybookResult =
  { kind: 'changed' } | { kind: 'compliant' } | { kind: 'unsupported'; reason: string };

export interface Playbook {
  /** Stable name, shown in outcomes and PR bodies (e.g. `s3-public-access-block`). */
  readonly name: string;
  /** Terraform resource types it edits. */
  readonly types: readonly string[];
  /** `required_state` keys it owns; it runs when the failure asks for any of them. */
  readonly keys: readonly string[];
  /** What a reviewer must know before merging (replacement, downtime), or undefined. */
  readonly breakingChanges?: string;
  /** Applies the owned part of `state` to `ctx` (edits, companions, notes, changed keys). */
  apply(ctx: FixContext, state: Readonly<Record<string, unknown>>): PlaybookResult;
}

export const changed: PlaybookResult = { kind: 'changed' };
export const compliant: PlaybookResult = { kind: 'compliant' };
export const unsupported = (reason: string): PlaybookResult => ({ kind: 'unsupported', reason });
