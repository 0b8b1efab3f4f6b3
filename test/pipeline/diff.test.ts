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
});
