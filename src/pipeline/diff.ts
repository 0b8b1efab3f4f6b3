/**
 * Unified diff of one edited file. Fixes are local edits, so trimming the common prefix and suffix and emitting
 * one hunk is exact and O(n), where a general LCS diff would be quadratic on 5,000-line files.
 * Lines keep their terminators, so a missing final newline is marked the way `git apply` expects.
 */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function render(prefix: string, line: string): string {
  return line.endsWith('\n') ? `${prefix}${line}` : `${prefix}${line}\n\\ No newline at end of file\n`;
}

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
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
  out += `@@ -${countA === 0 ? from : from + 1},${countA} +${countB === 0 ? from : from + 1},${countB} @@\n`;
  for (let i = from; i < start; i++) out += render(' ', a[i] ?? '');
  for (let i = start; i <= endA; i++) out += render('-', a[i] ?? '');
  for (let i = start; i <= endB; i++) out += render('+', b[i] ?? '');
  for (let i = endA + 1; i <= toA; i++) out += render(' ', a[i] ?? '');
  return out;
}
