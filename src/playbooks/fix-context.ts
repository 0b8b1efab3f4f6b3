/**
 * What the deterministic fixers share while editing one file: the scanned file, the target block's body
 * editor, the edits and companion blocks collected so far, and what was changed (for the PR text).
 */
import { TerraFixError } from '../pipeline/errors.js';
import { type HclBlock, LineIndex, scanBlocksCached } from '../hcl/blocks.js';
import { applyEdits, BodyEditor, type Edit, indentAt, lineEnding } from './edits.js';
import type { LocatedResource } from '../hcl/locate.js';

export interface FixContext {
  readonly content: string;
  readonly eol: string;
  readonly lines: LineIndex;
  /** Top-level blocks of the file. */
  readonly blocks: readonly HclBlock[];
  readonly located: LocatedResource;
  readonly target: BodyEditor;
  /** Edits outside the target body (other blocks of the file). */
  readonly edits: Edit[];
  /** Editors of other blocks; their edits are collected at the end. */
  readonly editors: BodyEditor[];
  /** Whole blocks (without leading blank lines) to insert right after the target block. */
  readonly companions: string[];
  /** required_state keys that led to an edit. */
  readonly changed: string[];
  /** One sentence per change or non-change, joined into the explanation. */
  readonly notes: string[];
}

/** Scans the file and checks that `located` still describes it (a stale location would corrupt the edit). */
export function createFixContext(content: string, located: LocatedResource): FixContext {
  const lines = new LineIndex(content);
  const blocks = scanBlocksCached(content);
  const block = blocks.find((b) => b.start === located.block.start && b.end === located.block.end);
  if (block === undefined || block.text !== located.block.text) {
    const message = `${located.path} changed since ${located.address} was located`;
    throw new TerraFixError('TFX_INTERNAL', message, { category: 'permanent' });
  }
  const eol = lineEnding(content);
  return {
    content,
    eol,
    lines,
    blocks,
    located,
    target: new BodyEditor(content, block, lines, eol),
    edits: [],
    editors: [],
    companions: [],
    changed: [],
    notes: [],
  };
}

/** An editor for another block of the file, whose edits are included in the result. */
export function editorFor(ctx: FixContext, block: HclBlock): BodyEditor {
  const editor = new BodyEditor(ctx.content, block, ctx.lines, ctx.eol);
  ctx.editors.push(editor);
  return editor;
}

/** The fixed file: all edits applied, companions inserted after the target block separated by a blank line. */
export function renderFix(ctx: FixContext): string {
  const { eol } = ctx;
  const edits = [...ctx.target.edits(), ...ctx.edits, ...ctx.editors.flatMap((e) => e.edits())];
  if (ctx.companions.length > 0) {
    const at = ctx.located.block.end;
    const base = indentAt(ctx.content, ctx.located.block.start);
    const indented = (c: string): string =>
      c
        .split('\n')
        .map((l) => (l === '' ? l : base + l))
        .join(eol);
    const text = ctx.companions.map((c) => `${eol}${eol}${indented(c)}`).join('');
    edits.push({ start: at, end: at, text });
  }
  return applyEdits(ctx.content, edits);
}

/** `name = value` lines with the `=` signs aligned, as `terraform fmt` does for consecutive attributes. */
export function alignedAttributes(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)} = ${v}`);
}
