/**
 * Finds blocks and attributes with their source positions (hcl2json gives none). Top-level blocks come from
 * scanBlocks; the items directly inside one block body from scanBody. Nested content is skipped, not parsed.
 * Offsets are string indices into the scanned text; lines are 1-based.
 */
import { findClosingBrace, findExpressionEnd, skipOpaque } from './lexer.js';

export interface SourceSpan {
  /** Index of the block keyword (or attribute name). */
  start: number;
  /** Index just past the closing `}` (or the attribute's expression). */
  end: number;
  startLine: number;
  endLine: number;
  text: string;
}

export interface HclBlock extends SourceSpan {
  /** Block keyword: `resource`, `data`, `module`, `variable`, `output`, `locals`, `provider`, `terraform`, ... */
  kind: string;
  labels: string[];
  /** Index just past the opening `{`. */
  bodyStart: number;
  /** Index of the closing `}` (equals `end` for an unterminated block). */
  bodyEnd: number;
}

export interface HclAttribute extends SourceSpan {
  name: string;
  /** Span of the value expression, trailing comment and blanks excluded. */
  valueStart: number;
  valueEnd: number;
  /** Raw source of the value expression. */
  value: string;
}

export type BodyItem = ({ type: 'attribute' } & HclAttribute) | ({ type: 'block' } & HclBlock);

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_-]*/y;
const BLANK = /[ \t\r\n]*/y;
const LABEL_STRING = /"((?:[^"\\\n]|\\.)*)"/y;

/** Maps offsets to 1-based line numbers; built once per scanned text. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(src: string) {
    for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

function skipBlanksAndComments(src: string, i: number, limit: number): number {
  let j = i;
  while (j < limit) {
    BLANK.lastIndex = j;
    BLANK.exec(src);
    j = BLANK.lastIndex;
    const c = src.charCodeAt(j);
    if (c !== 35 && c !== 47) return j;
    const after = skipOpaque(src, j);
    if (after === -1) return j;
    j = after;
  }
  return Math.min(j, limit);
}

function unquoteLabel(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw; // an escape JSON does not know: keep the source text
  }
}

/** Reads `ident label* {` or `ident =` at `i`. Returns undefined when neither starts there. */
function readHeader(
  src: string,
  i: number,
  limit: number,
): { name: string; labels: string[]; open: number } | { name: string; equals: number } | undefined {
  if (!IDENT_START.test(src.charAt(i))) return undefined;
  IDENT.lastIndex = i + 1;
  IDENT.exec(src);
  const name = src.slice(i, IDENT.lastIndex);
  const labels: string[] = [];
  let j = IDENT.lastIndex;
  for (;;) {
    while (src.charCodeAt(j) === 32 || src.charCodeAt(j) === 9) j += 1;
    if (j >= limit) return undefined;
    const c = src.charAt(j);
    if (c === '{') return { name, labels, open: j };
    if (c === '=' && src.charAt(j + 1) !== '=') return { name, equals: j };
    if (c === '"') {
      LABEL_STRING.lastIndex = j;
      const m = LABEL_STRING.exec(src);
      if (m === null) return undefined;
      labels.push(unquoteLabel(m[1] ?? ''));
      j = LABEL_STRING.lastIndex;
    } else if (IDENT_START.test(c)) {
      IDENT.lastIndex = j + 1;
      IDENT.exec(src);
      labels.push(src.slice(j, IDENT.lastIndex));
      j = IDENT.lastIndex;
    } else {
      return undefined;
    }
  }
}

function scanItems(src: string, from: number, limit: number, lines: LineIndex): BodyItem[] {
  const items: BodyItem[] = [];
  let i = from;
  while (i < limit) {
    i = skipBlanksAndComments(src, i, limit);
    if (i >= limit) break;
    const header = readHeader(src, i, limit);
    if (header !== undefined && 'open' in header) {
      const close = findClosingBrace(src, header.open);
      const end = Math.min(close + 1, src.length);
      items.push({
        type: 'block',
        kind: header.name,
        labels: header.labels,
        start: i,
        end,
        startLine: lines.lineAt(i),
        endLine: lines.lineAt(Math.max(i, end - 1)),
        text: src.slice(i, end),
        bodyStart: header.open + 1,
        bodyEnd: Math.min(close, src.length),
      });
      i = end;
    } else if (header !== undefined) {
      const valueStart = skipBlanksAndComments(src, header.equals + 1, limit);
      const valueEnd = Math.max(valueStart, findExpressionEnd(src, valueStart, limit));
      items.push({
        type: 'attribute',
        name: header.name,
        start: i,
        end: valueEnd,
        startLine: lines.lineAt(i),
        endLine: lines.lineAt(Math.max(i, valueEnd - 1)),
        text: src.slice(i, valueEnd),
        valueStart,
        valueEnd,
        value: src.slice(valueStart, valueEnd),
      });
      i = Math.max(valueEnd, i + 1);
    } else {
      // Not something we understand (broken input): step over one opaque token or character.
      const skipped = skipOpaque(src, i);
      i = skipped === -1 ? i + 1 : skipped;
    }
  }
  return items;
}

/** Top-level blocks of a file, in source order, with exact text and positions. Attributes are ignored. */
export function scanBlocks(src: string): HclBlock[] {
  const lines = new LineIndex(src);
  const blocks: HclBlock[] = [];
  for (const item of scanItems(src, 0, src.length, lines)) {
    if (item.type === 'block') {
      const { type: _type, ...block } = item;
      blocks.push(block);
    }
  }
  return blocks;
}

const SCAN_MEMO_ENTRIES = 512;
const scanMemo = new Map<string, readonly HclBlock[]>();

/**
 * scanBlocks for text that is scanned again and again (the same repository file on every failure). Keyed by the
 * content itself: V8 caches a string's hash, so a repeat lookup with the same string costs little. LRU-bounded.
 * The result is shared: treat it as read-only.
 */
export function scanBlocksCached(src: string): readonly HclBlock[] {
  const hit = scanMemo.get(src);
  if (hit !== undefined) {
    scanMemo.delete(src);
    scanMemo.set(src, hit);
    return hit;
  }
  const blocks = Object.freeze(scanBlocks(src));
  scanMemo.set(src, blocks);
  if (scanMemo.size > SCAN_MEMO_ENTRIES) {
    const oldest = scanMemo.keys().next();
    if (oldest.done !== true) scanMemo.delete(oldest.value);
  }
  return blocks;
}

/** Attributes and nested blocks directly inside `block`'s body (positions in the same text as `block`). */
export function scanBody(
  src: string,
  block: Pick<HclBlock, 'bodyStart' | 'bodyEnd'>,
  lines?: LineIndex,
): BodyItem[] {
  return scanItems(src, block.bodyStart, block.bodyEnd, lines ?? new LineIndex(src));
}
