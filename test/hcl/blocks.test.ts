import { describe, expect, it } from 'vitest';
import { scanBlocks, scanBody } from '../../src/hcl/blocks.js';
import { findExpressionEnd, skipHeredoc, skipString } from '../../src/hcl/lexer.js';
import { loadFixtureRepo } from './helpers.js';

const repo = loadFixtureRepo('repo');
const file = (path: string): string => repo.get(path) ?? '';

describe('scanBlocks', () => {
  it('finds the top-level blocks of a file with labels, lines and exact text', () => {
    const src = file('main.tf');
    const blocks = scanBlocks(src);
    expect(blocks.map((b) => [b.kind, ...b.labels])).toEqual([
      ['terraform'],
      ['provider', 'aws'],
      ['locals'],
      ['resource', 'aws_s3_bucket', 'logs'],
      ['resource', 'aws_s3_bucket_policy', 'logs'],
      ['resource', 'aws_s3_bucket', 'replicas'],
      ['module', 'storage'],
    ]);
    for (const b of blocks) {
      expect(src.slice(b.start, b.end)).toBe(b.text);
      expect(b.text.endsWith('}')).toBe(true);
      expect(src.split('\n')[b.startLine - 1]).toMatch(new RegExp(`^${b.kind}\\b`));
      expect(src.split('\n')[b.endLine - 1]).toBe('}');
    }
    const logs = blocks[3];
    expect(logs?.startLine).toBe(29);
    expect(logs?.text).toBe(
      'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n\n  tags = {\n    Name = "central-logs"\n    Team = "platform"\n  }\n}',
    );
  });

  it('skips blocks inside comments, braces in comments, strings and heredocs', () => {
    const src = file('main.tf');
    const policy = scanBlocks(src).find((b) => b.labels[0] === 'aws_s3_bucket_policy');
    expect(policy?.text).toContain('POLICY\n}');
    expect(scanBlocks(src).some((b) => b.labels[1] === 'commented_out')).toBe(false);
    const iam = scanBlocks(file('iam.tf'));
    expect(iam.map((b) => b.labels[1])).toEqual(['deployer', 'reader']);
    expect(iam[0]?.text.endsWith('EOF\n}')).toBe(true);
  });

  it('handles dynamic blocks, single-line blocks, CRLF and unterminated input without throwing', () => {
    expect(scanBlocks(file('network.tf')).map((b) => b.labels[1])).toEqual(['bastion', 'app']);
    const oneLine = scanBlocks('variable "a" {}\nresource "x" "y" { a = "}" }\n');
    expect(oneLine.map((b) => [b.text, b.startLine, b.endLine])).toEqual([
      ['variable "a" {}', 1, 1],
      ['resource "x" "y" { a = "}" }', 2, 2],
    ]);
    const crlf = scanBlocks('locals {\r\n  a = 1\r\n}\r\nvariable "b" {\r\n}\r\n');
    expect(crlf.map((b) => [b.kind, b.startLine, b.endLine])).toEqual([
      ['locals', 1, 3],
      ['variable', 4, 5],
    ]);
    const broken = scanBlocks('resource "a" "b" {\n  x = "unterminated\n');
    expect(broken).toHaveLength(1);
  });

  it('is not fooled by heredoc-like strings, near-miss heredoc markers and template directives', () => {
    const src = loadFixtureRepo('tricky').get('main.tf') ?? '';
    const blocks = scanBlocks(src);
    expect(blocks.map((b) => b.labels[1])).toEqual(['one', 'p', 'q', 'rules']);
    expect(blocks[1]?.text.endsWith('EOTX is not the end\n      EOT\n}')).toBe(true);
    const one = blocks[0];
    if (one === undefined) throw new Error('fixture changed');
    expect(scanBody(src, one).map((i) => (i.type === 'attribute' ? i.value : i.kind))).toEqual([
      '"tricky-one"',
      '"use <<EOF here, not a heredoc"',
      '{ "a{" = "b}", "c" = "${upper("}")}" }',
    ]);
  });
});

describe('lexer', () => {
  it('skips strings with escapes and nested interpolation', () => {
    const s = '"a \\" ${f({ "k" = "}" })} %{ if x }y%{ endif } $${z}" tail';
    expect(s.slice(skipString(s, 0))).toBe(' tail');
  });

  it('skips <<EOF and <<-EOF heredocs, closing marker indented or not', () => {
    const a = '<<EOF\n{ "a": "}" }\nEOF\nnext';
    expect(a.slice(skipHeredoc(a, 0))).toBe('\nnext');
    const b = '<<-POLICY\n    {\n    POLICYX\n    POLICY\nnext';
    expect(b.slice(skipHeredoc(b, 0))).toBe('\nnext');
    expect(skipHeredoc('<< EOF\n', 0)).toBe(-1);
  });

  it('ends an expression at a newline outside brackets, before a comment', () => {
    const s = 'x = [\n  1,\n  2,\n] # c\ny = 1';
    expect(s.slice(4, findExpressionEnd(s, 4, s.length))).toBe('[\n  1,\n  2,\n]');
    const t = 'a = "x" // c { \n';
    expect(t.slice(4, findExpressionEnd(t, 4, t.length))).toBe('"x"');
  });
});

describe('scanBody', () => {
  it('lists the attributes and nested blocks at the top level of a body only', () => {
    const src = file('network.tf');
    const app = scanBlocks(src)[1];
    if (app === undefined) throw new Error('fixture changed');
    const items = scanBody(src, app);
    expect(items.map((i) => (i.type === 'block' ? `${i.kind}{${i.labels.join(',')}}` : i.name))).toEqual([
      'for_each',
      'name',
      'vpc_id',
      'dynamic{ingress}',
      'ingress{}',
      'tags',
    ]);
    const forEach = items[0];
    expect(forEach?.type === 'attribute' && forEach.value).toBe('toset(["blue", "green"])');
    const tags = items[5];
    expect(tags?.type === 'attribute' && tags.value).toBe('{\n    Name = "app-sg"\n  }');
    for (const i of items) expect(src.slice(i.start, i.end)).toBe(i.text);
  });

  it('takes a heredoc value whole', () => {
    const src = file('iam.tf');
    const deployer = scanBlocks(src)[0];
    if (deployer === undefined) throw new Error('fixture changed');
    const policy = scanBody(src, deployer).find(
      (i) => i.type === 'attribute' && i.name === 'assume_role_policy',
    );
    expect(policy?.type === 'attribute' && policy.value.startsWith('<<EOF\n{')).toBe(true);
    expect(policy?.type === 'attribute' && policy.value.endsWith('}\nEOF')).toBe(true);
  });
});
