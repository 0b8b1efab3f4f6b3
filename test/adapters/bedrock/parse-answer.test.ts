// Finding the contract's JSON in what a model writes, and saying precisely what is wrong when it is not there.
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../../src/adapters/bedrock/parse-answer.js';
import { answerJson } from '../../fakes/bedrock/replies.js';

const BLOCK = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs" # {not a brace that counts}\n}';
const good = answerJson({ replacement: BLOCK });

describe('parseAnswer', () => {
  it.each([
    ['bare', good],
    ['fenced as json', '```json\n' + good + '\n```'],
    ['fenced without a language', '```\n' + good + '\n```'],
    [
      'after an HCL fence and prose',
      'The block:\n```hcl\n' + BLOCK + '\n```\nand the answer:\n```json\n' + good + '\n```',
    ],
    ['inside prose with braces of its own', `Sure {really}. ${good} Done {ok}?`],
  ])('accepts the answer %s', (_name, text) => {
    const parsed = parseAnswer(text, 'aws_s3_bucket.logs');
    expect(parsed).toMatchObject({
      ok: true,
      answer: { replacement: BLOCK, confidence: 'high', new_blocks: [] },
    });
  });

  it('accepts confidence in any case and trims text fields', () => {
    const text = good.replace('"high"', '" Medium "');
    expect(parseAnswer(text, 'aws_s3_bucket.logs')).toMatchObject({
      ok: true,
      answer: { confidence: 'medium' },
    });
  });

  it('says there is no JSON object when there is none', () => {
    expect(parseAnswer('no JSON here', 'aws_s3_bucket.logs')).toEqual({
      ok: false,
      problem: expect.stringMatching(/^the answer holds no JSON object/),
    });
  });

  it('names missing and mistyped fields', () => {
    const parsed = parseAnswer('{"replacement": 3, "explanation": "x"}', 'aws_s3_bucket.logs');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    for (const field of ['replacement', 'new_blocks', 'changed_attributes', 'confidence', 'breaking_changes'])
      expect(parsed.problem).toContain(`${field}:`);
  });

  it('rejects a replacement that is not the target block, and a new block that is not one block', () => {
    const other = answerJson({
      replacement: BLOCK.replace('"logs"', '"other"'),
      new_blocks: ['bucket = aws_s3_bucket.logs.id'],
    });
    const parsed = parseAnswer(other, 'aws_s3_bucket.logs');
    expect(parsed).toEqual({
      ok: false,
      problem:
        'replacement: must be the whole block of aws_s3_bucket.logs, starting with its resource header and ending with "}"; new_blocks.0: must be one complete top-level block',
    });
  });

  it('reports the first candidate’s problem, not a later unrelated object', () => {
    const bad = answerJson({ replacement: BLOCK, confidence: 'sure' });
    const parsed = parseAnswer(`${bad}\nAlso: {"note": 1}`, 'aws_s3_bucket.logs');
    expect(parsed).toMatchObject({ ok: false, problem: expect.stringContaining('confidence:') });
  });
});
