/**
 * What a fix changed in one file, found without parsing the file: the common prefix and suffix of the old and
 * new text are compared as bytes (native string comparison), the differing region is widened to whole
 * top-level blocks of the original (from the cached block scan), and only that region of the new text is
 * scanned. Cost grows with the size of the change, not of the file.
 */
import { type HclBlock, scanBlocksCached, scanBody } from './blocks.js';

export interface BlockChange {
  /** `resource.aws_s3_bucket.logs`, `data.x.y`, `locals`, ... */
  address: string;
  kind: string;
  labels: readonly string[];
  /** Text before the fix; undefined for an added block. */
  before: string | undefined;
  /** Text after the fix; undefined for a removed block. */
  after: string | undefined;
}

export type FileChange =
  | {
      ok: true;
      /** Blocks whose text differs, in the new file's order (removed ones last). */
      blocks: BlockChange[];
      /** The changed region of the new file (whole blocks and the gaps between them). */
      region: { start: number; end: number };
    }
  | { ok: false; reason: string };

const CHUNK = 4096;
const BLANK_OR_COMMENTS = /^(?:\s|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/;

/** Length of the common prefix of `a` and `b`, compared chunk by chunk natively. */
export function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= max && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  return i;
}

/** Length of the common suffix of `a` and `b`, not reaching into the first `limit` characters of either. */
export function commonSuffix(a: string, b: string, limit: number): number {
  const max = Math.min(a.length, b.length) - limit;
  let n = 0;
  while (
    n + CHUNK <= max &&
    a.slice(a.length - n - CHUNK, a.length - n) === b.slice(b.length - n - CHUNK, b.length - n)
  )
    n += CHUNK;
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n += 1;
  return n;
}

const addressOf = (block: Pick<HclBlock, 'kind' | 'labels'>): string =>
  [block.kind, ...block.labels].join('.');

/** The blocks a fix changed between `original` and `fixed` (see the module comment). */
export function diffBlocks(original: string, fixed: string): FileChange {
  const p = commonPrefix(original, fixed);
  const s = commonSuffix(original, fixed, p);
  const blocks = scanBlocksCached(original);
  const oEnd = original.length - s;
  // Blocks that end at or before p are in the common prefix; blocks that start at or after oEnd in the suffix.
  let first = 0;
  while (first < blocks.length && (blocks[first]?.end ?? 0) <= p) first += 1;
  let last = first;
  while (last < blocks.length && (blocks[last]?.start ?? 0) < oEnd) last += 1;
  const start = first > 0 ? (blocks[first - 1]?.end ?? 0) : 0;
  const originalEnd = last < blocks.length ? (blocks[last]?.start ?? original.length) : original.length;
  const end = fixed.length - (original.length - originalEnd);
  const before = blocks.slice(first, last);
  const items = scanBody(fixed, { bodyStart: start, bodyEnd: end });
  const after: HclBlock[] = [];
  let gapStart = start;
  for (const item of items) {
    if (item.type !== 'block')
      return { ok: false, reason: `top-level text outside any block: ${item.text.slice(0, 60)}` };
    if (item.end > end) return { ok: false, reason: `unbalanced braces in ${addressOf(item)}` };
    if (!BLANK_OR_COMMENTS.test(fixed.slice(gapStart, item.start))) {
      return { ok: false, reason: `stray text before ${addressOf(item)}` };
    }
    const { type: _type, ...block } = item;
    after.push(block);
    gapStart = item.end;
  }
  if (!BLANK_OR_COMMENTS.test(fixed.slice(gapStart, end)))
    return { ok: false, reason: 'stray text after the last changed block' };
  return { ok: true, blocks: pair(before, after), region: { start, end } };
}

/** Pairs old and new blocks by address (duplicates in order); unchanged pairs are dropped. */
function pair(before: readonly HclBlock[], after: readonly HclBlock[]): BlockChange[] {
  const pending = new Map<string, HclBlock[]>();
  for (const block of before) {
    const address = addressOf(block);
    pending.set(address, [...(pending.get(address) ?? []), block]);
  }
  const changes: BlockChange[] = [];
  for (const block of after) {
    const address = addressOf(block);
    const old = pending.get(address)?.shift();
    if (old !== undefined && old.text === block.text) continue;
    changes.push({ address, kind: block.kind, labels: block.labels, before: old?.text, after: block.text });
  }
  for (const [address, left] of pending) {
    for (const old of left)
      changes.push({ address, kind: old.kind, labels: old.labels, before: old.text, after: undefined });
  }
  return changes;
}
