/**
 * Unified diff of one edited file. Fixes are local edits, so trimming the common prefix and suffix and emitting
 * one hunk is exact. The trimming is done on characters first (native string compares in large steps), and lines
 * are split only in a window of `context + 1` lines around the change, so a one-line edit in a 7,500-line file
 * costs a newline count, not a split of the whole file (every PR body carries a diff summary).
 * Lines keep their terminators, so a missing final newline is marked the way `git apply` expects.
 */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function render(prefix: string, line: string): string {
  return line.endsWith('\n') ? `${prefix}${line}` : `${prefix}${line}\n\\ No newline at end of file\n`;
}

const STEP = 4096;

/** Length of the common prefix of `a` and `b`. */
function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p + STEP <= max && a.slice(p, p + STEP) === b.slice(p, p + STEP)) p += STEP;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

/** Length of the common suffix of `a` and `b` that does not overlap the first `prefix` characters. */
function commonSuffix(a: string, b: string, prefix: number): number {
  const max = Math.min(a.length, b.length) - prefix;
  let s = 0;
  while (
    s + STEP <= max &&
    a.slice(a.length - s - STEP, a.length - s) === b.slice(b.length - s - STEP, b.length - s)
  )
    s += STEP;
  while (s < max && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return s;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Offset just past the `lines`-th newline of `text` from `from` (or its end). */
function afterLines(text: string, from: number, lines: number): number {
  let pos = from;
  for (let i = 0; i < lines; i++) {
    const n = text.indexOf('\n', pos);
    if (n === -1) return text.length;
    pos = n + 1;
  }
  return pos;
}

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const prefix = commonPrefix(before, after);
  const suffix = commonSuffix(before, after, prefix);
  // The window starts `context + 1` whole lines before the first difference and ends as many after the last.
  let windowStart = before.lastIndexOf('\n', prefix - 1) + 1;
  for (let i = 0; i <= context && windowStart > 0; i++)
    windowStart = before.lastIndexOf('\n', windowStart - 2) + 1;
  const tail = before.slice(before.length - suffix);
  const extra = afterLines(tail, 0, context + 2);
  const lineOffset = countNewlines(before, windowStart);
  const a = splitLines(before.slice(windowStart, before.length - suffix + extra));
  const b = splitLines(after.slice(windowStart, after.length - suffix + extra));
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - context);
  const toA = Math.min(a.length - 1, endA + context);
  const toB = Math.min(b.length - 1, endB + context);
  let out = `--- a/${path}\n+++ b/${path}\n`;
  const countA = toA - from + 1;
  const countB = toB - from + 1;
  const line = (count: number): number => lineOffset + (count === 0 ? from : from + 1);
  out += `@@ -${line(countA)},${countA} +${line(countB)},${countB} @@\n`;
  for (let i = from; i < start; i++) out += render(' ', a[i] ?? '');
  for (let i = start; i <= endA; i++) out += render('-', a[i] ?? '');
  for (let i = start; i <= endB; i++) out += render('+', b[i] ?? '');
  for (let i = endA + 1; i <= toA; i++) out += render(' ', a[i] ?? '');
  return out;
}
