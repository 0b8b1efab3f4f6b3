import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unifiedDiff } from '../../src/pipeline/diff.js';

const execFileAsync = promisify(execFile);

const lines = (n: number): string[] => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('unifiedDiff', () => {
  it('is empty for identical content', () => {
    expect(unifiedDiff('main.tf', 'a\nb\n', 'a\nb\n')).toBe('');
    expect(unifiedDiff('main.tf', '', '')).toBe('');
  });

  it('emits one hunk with three lines of context around a single changed line', () => {
    const before = lines(10);
    const after = [...before];
    after[4] = 'line 5 changed';
    expect(unifiedDiff('s3.tf', before.join('\n'), after.join('\n'))).toBe(
      [
        '--- a/s3.tf',
        '+++ b/s3.tf',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line 5 changed',
        ' line 6',
        ' line 7',
        ' line 8',
        '',
      ].join('\n'),
    );
  });

  it('clips context at the start of the file', () => {
    expect(unifiedDiff('a.tf', 'x\ny\nz', 'X\ny\nz')).toBe(
      [
        '--- a/a.tf',
        '+++ b/a.tf',
        '@@ -1,3 +1,3 @@',
        '-x',
        '+X',
        ' y',
        ' z',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  it('marks a missing final newline the way git does', () => {
    expect(unifiedDiff('m.tf', 'a\nb\nc\nd', 'a\nb\nc\nd\ne\nf')).toBe(
      [
        '--- a/m.tf',
        '+++ b/m.tf',
        '@@ -1,4 +1,6 @@',
        ' a',
        ' b',
        ' c',
        '-d',
        '\\ No newline at end of file',
        '+d',
        '+e',
        '+f',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  it('does not count the empty string after a final newline as a line', () => {
    expect(unifiedDiff('m.tf', 'a\nb\nc\nd\n', 'a\nb\nc\nd\ne\nf\n')).toBe(
      ['--- a/m.tf', '+++ b/m.tf', '@@ -2,3 +2,5 @@', ' b', ' c', ' d', '+e', '+f', ''].join('\n'),
    );
  });

  it('shows a deletion as removed lines only', () => {
    expect(unifiedDiff('d.tf', 'a\nb\nc', 'a\nc')).toBe(
      [
        '--- a/d.tf',
        '+++ b/d.tf',
        '@@ -1,3 +1,2 @@',
        ' a',
        '-b',
        ' c',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  it('keeps CRLF line endings of the lines it shows untouched', () => {
    const diff = unifiedDiff('w.tf', 'a\r\nb\r\nc', 'a\r\nB\r\nc');
    expect(diff).toBe(
      [
        '--- a/w.tf',
        '+++ b/w.tf',
        '@@ -1,3 +1,3 @@',
        ' a\r',
        '-b\r',
        '+B\r',
        ' c',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['a\nb\nc\nd\n', 'a\nB\nc\nd\n'],
    ['a\nb\nc\nd', 'a\nb\nc\nd\ne\n'],
    ['a\nb\n', 'a\nb\nc'],
    ['x\n', ''],
    ['', 'new\n'],
  ])('produces a patch git apply accepts (%j → %j)', async (before, after) => {
    const dir = await mkdtemp(join(tmpdir(), 'diff-'));
    try {
      await writeFile(join(dir, 'm.tf'), before);
      await writeFile(join(dir, 'fix.patch'), unifiedDiff('m.tf', before, after));
      await execFileAsync('git', ['apply', '--unsafe-paths', '--directory=.', 'fix.patch'], { cwd: dir });
      expect(await readFile(join(dir, 'm.tf'), 'utf8')).toBe(after);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stays linear on a 5,000-line file with a change in the middle', () => {
    const before = lines(5000);
    const after = [...before.slice(0, 2500), 'inserted', ...before.slice(2500)];
    const diff = unifiedDiff('big.tf', before.join('\n'), after.join('\n'));
    expect(diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual(['+inserted']);
    expect(diff).toContain('@@ -2498,6 +2498,7 @@');
  });

  it('windowed, gives exactly the whole-file diff for random edits (repeated lines, CRLF, no final newline)', () => {
    /** The whole-file algorithm the windowed one replaced: split everything, trim common lines. */
    const reference = (path: string, before: string, after: string, context = 3): string => {
      const split = (t: string): string[] => t.match(/[^\n]*\n|[^\n]+$/g) ?? [];
      const show = (p: string, l: string): string =>
        l.endsWith('\n') ? `${p}${l}` : `${p}${l}\n\\ No newline at end of file\n`;
      if (before === after) return '';
      const a = split(before);
      const b = split(after);
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
      const countA = toA - from + 1;
      const countB = toB - from + 1;
      let out = `--- a/${path}\n+++ b/${path}\n`;
      out += `@@ -${countA === 0 ? from : from + 1},${countA} +${countB === 0 ? from : from + 1},${countB} @@\n`;
      for (let i = from; i < start; i++) out += show(' ', a[i] ?? '');
      for (let i = start; i <= endA; i++) out += show('-', a[i] ?? '');
      for (let i = start; i <= endB; i++) out += show('+', b[i] ?? '');
      for (let i = endA + 1; i <= toA; i++) out += show(' ', a[i] ?? '');
      return out;
    };
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pool = ['x\n', 'x\n', '  a = 1\n', '}\n', 'resource "r" "n" {\n', '\n', 'y\r\n', 'z'];
    for (let round = 0; round < 400; round++) {
      const size = rand(40);
      const parts = Array.from({ length: size }, () => pool[rand(pool.length)] ?? '');
      const before = parts.join('').replace(/z(?=.)/g, 'z\n');
      const at = rand(before.length + 1);
      const cut = rand(Math.min(30, before.length - at) + 1);
      const insert = Array.from({ length: rand(4) }, () => pool[rand(pool.length)] ?? '').join('');
      const after = before.slice(0, at) + insert + before.slice(at + cut);
      expect(unifiedDiff('f.tf', before, after), `round ${round}`).toBe(reference('f.tf', before, after));
    }
  });
});
