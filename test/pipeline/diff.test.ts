import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/pipeline/diff.js';

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
      ['--- a/a.tf', '+++ b/a.tf', '@@ -1,3 +1,3 @@', '-x', '+X', ' y', ' z', ''].join('\n'),
    );
  });

  it('shows an insertion at the end of a file as added lines only', () => {
    expect(unifiedDiff('m.tf', 'a\nb\nc\nd', 'a\nb\nc\nd\ne\nf')).toBe(
      ['--- a/m.tf', '+++ b/m.tf', '@@ -2,3 +2,5 @@', ' b', ' c', ' d', '+e', '+f', ''].join('\n'),
    );
  });

  // Known bug (reported): with a trailing newline, the empty string after the last '\n' is taken for a line, so
  // the hunk shows a phantom blank context line and counts one line too many; `git apply` rejects such a diff.
  // Flip to `it` once unifiedDiff no longer counts it.
  it.fails('does not count the empty string after a final newline as a line', () => {
    expect(unifiedDiff('m.tf', 'a\nb\nc\nd\n', 'a\nb\nc\nd\ne\nf\n')).toBe(
      ['--- a/m.tf', '+++ b/m.tf', '@@ -2,3 +2,5 @@', ' b', ' c', ' d', '+e', '+f', ''].join('\n'),
    );
  });

  it('shows a deletion as removed lines only', () => {
    expect(unifiedDiff('d.tf', 'a\nb\nc', 'a\nc')).toBe(
      ['--- a/d.tf', '+++ b/d.tf', '@@ -1,3 +1,2 @@', ' a', '-b', ' c', ''].join('\n'),
    );
  });

  it('keeps CRLF line endings of the lines it shows untouched', () => {
    const diff = unifiedDiff('w.tf', 'a\r\nb\r\nc', 'a\r\nB\r\nc');
    expect(diff).toBe(
      ['--- a/w.tf', '+++ b/w.tf', '@@ -1,3 +1,3 @@', ' a\r', '-b\r', '+B\r', ' c', ''].join('\n'),
    );
  });

  it('stays linear on a 5,000-line file with a change in the middle', () => {
    const before = lines(5000);
    const after = [...before.slice(0, 2500), 'inserted', ...before.slice(2500)];
    const diff = unifiedDiff('big.tf', before.join('\n'), after.join('\n'));
    expect(diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual(['+inserted']);
    expect(diff).toContain('@@ -2498,6 +2498,7 @@');
  });
});
