/**
 * Minimal textual edits of a block body: replace an attribute's value in place, or insert lines just before
 * the closing brace with the body's own indentation. Everything outside the edited spans stays byte for byte.
 */
import { type BodyItem, type HclAttribute, type HclBlock, type LineIndex, scanBody } from '../hcl/blocks.js';
import { sameLiteral } from './literal.js';

/** Replace `content.slice(start, end)` by `text` (an insertion when start === end). Offsets refer to the original. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits; insertions at the same offset keep their order in the list. */
export function applyEdits(content: string, edits: readonly Edit[]): string {
  const ordered = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.i - b.i);
  let out = '';
  let at = 0;
  for (const { e } of ordered) {
    if (e.start < at) throw new Error(`overlapping edits at offset ${e.start}`);
    out += content.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + content.slice(at);
}

/** Line ending used by the file (CRLF if it has any). */
export function lineEnding(content: string): string {
  return content.includes('\r\n') ? '\r\n' : '\n';
}

/** Leading blanks of the line that contains `offset`. */
export function indentAt(content: string, offset: number): string {
  const lineStart = content.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(content.slice(lineStart, offset + 1))?.[0] ?? '';
}

/** A block body with its items, scanned once and edited through the helpers below. */
export class BodyEditor {
  readonly items: BodyItem[];
  private readonly pending: string[] = [];
  private readonly replacements: Edit[] = [];

  constructor(
    private readonly content: string,
    readonly block: HclBlock,
    lines: LineIndex,
    private readonly eol: string,
  ) {
    this.items = scanBody(content, block, lines);
  }

  /** Indentation for new lines in this body: that of its first item on its own line, else the block's plus two spaces. */
  get indent(): string {
    const first = this.items[0];
    const blockLine = this.content.lastIndexOf('\n', this.block.start - 1);
    if (first === undefined || this.content.lastIndexOf('\n', first.start - 1) === blockLine) {
      return `${indentAt(this.content, this.block.start)}  `;
    }
    return indentAt(this.content, first.start);
  }

  attribute(name: string): HclAttribute | undefined {
    for (const item of this.items) if (item.type === 'attribute' && item.name === name) return item;
    return undefined;
  }

  blocks(kind: string, label?: string): HclBlock[] {
    return this.items.flatMap((i) =>
      i.type === 'block' && i.kind === kind && (label === undefined || i.labels[0] === label) ? [i] : [],
    );
  }

  /** Sets `name = literal`, in place when the attribute exists; false when it already has that value. */
  set(name: string, literal: string): boolean {
    const existing = this.attribute(name);
    if (existing === undefined) {
      this.pending.push(`${name} = ${literal}`);
      return true;
    }
    if (sameLiteral(existing.value, literal)) return false;
    this.replacements.push({ start: existing.valueStart, end: existing.valueEnd, text: literal });
    return true;
  }

  /** Replaces an attribute's whole value expression with `expression`. */
  replaceValue(attribute: HclAttribute, expression: string): void {
    this.replacements.push({ start: attribute.valueStart, end: attribute.valueEnd, text: expression });
  }

  /** Queues raw lines (relative indentation kept, '' for a blank line) for insertion before the closing brace. */
  insertLines(lines: readonly string[]): void {
    this.pending.push(...lines);
  }

  /** Every edit made through this editor, as edits of the whole content. */
  edits(): Edit[] {
    if (this.pending.length === 0) return [...this.replacements];
    const { content, block, eol } = this;
    const indent = this.indent;
    const base = indentAt(content, block.start);
    const newLines = this.pending.map((l) => (l === '' ? eol : `${indent}${l}${eol}`)).join('');
    const closeLineStart = content.lastIndexOf('\n', block.bodyEnd - 1) + 1;
    const beforeClose = content.slice(closeLineStart, block.bodyEnd);
    if (closeLineStart > block.bodyStart && beforeClose.trim() === '') {
      return [...this.replacements, { start: closeLineStart, end: closeLineStart, text: newLines }];
    }
    const inner = content.slice(block.bodyStart, block.bodyEnd);
    if (!inner.includes('\n')) {
      // Single-line block `{ a = 1 }` or `{}`: HCL allows one attribute there, so open it up on new lines.
      const shifted = this.replacements.map((e) => ({
        ...e,
        start: e.start - block.bodyStart,
        end: e.end - block.bodyStart,
      }));
      const edited = applyEdits(inner, shifted).trim();
      const kept = edited === '' ? '' : `${indent}${edited}${eol}`;
      return [{ start: block.bodyStart, end: block.bodyEnd, text: `${eol}${kept}${newLines}${base}` }];
    }
    return [
      ...this.replacements,
      { start: block.bodyEnd, end: block.bodyEnd, text: `${eol}${newLines}${base}` },
    ];
  }
}
