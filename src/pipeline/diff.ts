/**
 * Unified diff of one edited file. Fixes are local edits, so trimming the common prefix and suffix and emitting
 * one hunk is exact and O(n), where a general LCS diff would be quadratic on 5,000-line files.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
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
  const lines: string[] = [];
  for (let i = from; i < start; i++) lines.push(` ${a[i]}`);
  for (let i = start; i <= endA; i++) lines.push(`-${a[i]}`);
  for (let i = start; i <= endB; i++) lines.push(`+${b[i]}`);
  for (let i = endA + 1; i <= toA; i++) lines.push(` ${a[i]}`);
  const countA = toA - from + 1;
  const countB = toB - from + 1;
  return [
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -${from + 1},${countA} +${from + 1},${countB} @@`,
    ...lines,
    '',
  ].join('\n');
}
