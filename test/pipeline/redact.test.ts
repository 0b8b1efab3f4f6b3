import { describe, expect, it } from 'vitest';
import { REDACTED, redactText } from '../../src/pipeline/redact.js';

const GHP = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`; // 36 characters after the prefix
const PAT = `github_pat_11ABCDEFG0${'x1Y2z3'.repeat(12)}`;
const AKIA = 'AKIAIOSFODNN7EXAMPLE';

describe('redactText', () => {
  it.each([
    ['a classic GitHub token', `token ${GHP} leaked`, `token ${REDACTED} leaked`],
    ['other GitHub token kinds', `gho_${'a'.repeat(36)} ghs_${'b'.repeat(36)}`, `${REDACTED} ${REDACTED}`],
    ['a fine-grained GitHub token', `pat=${PAT}.`, `pat=${REDACTED}.`],
    ['an AWS access key id', `key ${AKIA} and ASIA${'Q'.repeat(16)}`, `key ${REDACTED} and ${REDACTED}`],
    ['a bearer token', 'Authorization: Bearer eyJhbGciOi.J9.sig-_x', `Authorization: Bearer ${REDACTED}`],
    ['a lower-case bearer token', 'bearer abcdefgh12345678', `bearer ${REDACTED}`],
    ['a short bearer token', 'Authorization: Bearer xyz', `Authorization: Bearer ${REDACTED}`],
    ['a Redis URL password', 'redis://:hunter2@cache:6379/0', `redis://:${REDACTED}@cache:6379/0`],
    [
      'a URL user password',
      'https://bot:s3cr3t!@github.com/o/r.git',
      `https://bot:${REDACTED}@github.com/o/r.git`,
    ],
    ['Vanta credentials', `vci_${'a1'.repeat(8)} vcs_${'b2'.repeat(8)}`, `${REDACTED} ${REDACTED}`],
  ])('removes %s', (_what, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('redacts every occurrence, not just the first', () => {
    expect(redactText(`${GHP} ${GHP}`)).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('leaves ordinary text alone', () => {
    for (const text of [
      'S3 bucket does not block public access',
      'https://github.com/mock-org/terraform-small/pull/42',
      'redis://cache:6379',
      'arn:aws:s3:::acme-small-core-exports-00',
      'ghp_short',
      'AKIA lower akiaiosfodnn7example',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });
});
