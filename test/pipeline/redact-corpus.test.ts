/**
 * Redaction over a corpus of secret shapes, checked where text leaves the process: log lines, HTTP answers and
 * PR bodies. Each secret must be gone from all three; the ordinary text around it must stay.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resultView } from '../../src/api-server/result-view.js';
import { createLogger } from '../../src/observability/logger.js';
import { failureSchema } from '../../src/pipeline/failure.js';
import type { FixProposal } from '../../src/pipeline/ports.js';
import { buildDraft } from '../../src/pipeline/pull-request.js';
import { redactText } from '../../src/pipeline/redact.js';
import { failures } from '../support/api.js';

const PEM_BODY = 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2mRPjEoJ\nq0Zp8R0u8p1Y3mBd6CkG3YzqLt0YxGgH1f2e7Q==';
const pem = (kind: string) => `-----BEGIN ${kind}-----\n${PEM_BODY}\n-----END ${kind}-----`;

/** [what, secret text, the part that must disappear]. */
const CORPUS: [string, string, string][] = [
  ['an RSA private key', pem('RSA PRIVATE KEY'), PEM_BODY.slice(0, 30)],
  ['a PKCS#8 private key', pem('PRIVATE KEY'), PEM_BODY.slice(0, 30)],
  ['an EC private key', pem('EC PRIVATE KEY'), PEM_BODY.slice(0, 30)],
  ['an OpenSSH private key', pem('OPENSSH PRIVATE KEY'), PEM_BODY.slice(0, 30)],
  ['an encrypted private key', pem('ENCRYPTED PRIVATE KEY'), PEM_BODY.slice(0, 30)],
  ['a certificate', pem('CERTIFICATE'), PEM_BODY.slice(0, 30)],
  ['a PGP private key block', pem('PGP PRIVATE KEY BLOCK'), PEM_BODY.slice(0, 30)],
  ['a truncated private key', `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}`, PEM_BODY.slice(0, 30)],
  [
    'an AWS secret access key by name',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ],
  [
    'an AWS secret access key alone',
    'key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY used',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ],
  ['an AWS access key id', 'id AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
  ['a password= pair', 'db password=hunter2 in config', 'hunter2'],
  ['a secret: pair', 'client_secret: s3cr3tValue', 's3cr3tValue'],
  ['a JSON password', '{"password": "correct-horse"}', 'correct-horse'],
  ['a short bearer token', 'Authorization: Bearer xyz', 'xyz'],
  ['a basic credential', 'Authorization: Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
  ['a GitHub classic token', `ghp_${'A1b2C3d4E5'.repeat(4)}`, 'A1b2C3d4E5A1b2C3d4E5'],
  ['a GitHub OAuth token', `gho_${'Q7w8E9r0T1'.repeat(4)}`, 'Q7w8E9r0T1Q7w8E9r0T1'],
  ['a GitHub fine-grained token', `github_pat_11AB${'x1Y2z3'.repeat(12)}`, 'x1Y2z3x1Y2z3x1Y2z3'],
  ['a Slack bot token', 'xoxb-1234567890-0987654321-AbCdEfGhIjKl', '1234567890-0987654321'],
  ['a Slack user token', 'xoxp-1234567890-0987654321-AbCdEfGhIjKl', '1234567890-0987654321'],
  [
    'a Slack webhook URL',
    'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX',
    'T000/B000/XXXXXXXXXXXXXXXX',
  ],
  ['a GitLab token', 'glpat-AbCdEf1234567890xyzw', 'AbCdEf1234567890xyzw'],
  ['an npm token', `npm_${'aB3'.repeat(12)}`, 'aB3aB3aB3aB3aB3aB3'],
  ['a Stripe key', 'sk_live_51HxYzAbCdEfGhIjKlMnOp', '51HxYzAbCdEfGhIjKlMnOp'],
  ['a Google API key', `AIza${'SyA1b2C3d4'.repeat(3)}xyz12`, 'SyA1b2C3d4SyA1b2C3d4'],
  ['an OpenAI-style key', `sk-proj-${'Ab1'.repeat(10)}`, 'Ab1Ab1Ab1Ab1Ab1Ab1'],
  ['a Vault token', `hvs.${'CAESIAb1'.repeat(4)}`, 'CAESIAb1CAESIAb1'],
  [
    'a JSON web token',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
  ],
  ['a Redis URL password', 'redis://:hunter22@cache:6379/0', 'hunter22'],
];

/** Texts that look a little like secrets but are not, and must pass unchanged. */
const ORDINARY = [
  'S3 bucket does not block public access',
  'https://github.com/mock-org/terraform-small/pull/42',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-creds-AbCdEf',
  'resource "aws_secretsmanager_secret" "db" {}',
  'commit 3f786850e387550fdab836ed7e6dc881de23001b',
  'failure key 0b2f5c1d4e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e',
  'modules/Network2/subnets/private/main.tf',
];

describe('redaction corpus', () => {
  it.each(CORPUS)('removes %s from free text', (_what, secret, part) => {
    const out = redactText(`before ${secret} after`);
    expect(out).not.toContain(part);
    expect(out).toContain('[REDACTED]');
    expect(out.startsWith('before ')).toBe(true);
  });

  it('leaves ordinary text alone', () => {
    for (const text of ORDINARY) expect(redactText(text)).toBe(text);
  });

  it('keeps every secret out of log lines (message, error and error stack)', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger('info', stream);
    for (const [, secret] of CORPUS) {
      logger.warn({ err: new Error(`upstream said ${secret}`) }, 'Failure processing failed');
      logger.error(new Error(`thrown with ${secret}`));
    }
    const text = lines.join('');
    expect(lines.length).toBe(CORPUS.length * 2);
    for (const [what, secret, part] of CORPUS) {
      // Log lines are JSON, so newlines inside a PEM block arrive escaped.
      expect(text, what).not.toContain(JSON.stringify(part).slice(1, -1));
      expect(text, what).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
  });

  it('keeps every secret out of PR bodies, from the failure reason and the current state alike', () => {
    const fix: FixProposal = {
      fixedContent: 'resource "aws_s3_bucket" "b" {}\n',
      explanation: 'Enables versioning.',
      changedAttributes: ['versioning'],
      reasoning: 'Required by the control.',
      confidence: 'medium',
      breakingChanges: 'None identified',
      additionalRequirements: 'None',
      usage: { inputTokens: 1, outputTokens: 1 },
    };
    const [base] = failures(1, 77);
    for (const [what, secret, part] of CORPUS) {
      const failure = failureSchema.parse({
        ...base,
        failure_reason: `reported: ${secret}`,
        current_state: { note: secret, nested: { value: secret } },
      });
      const draft = buildDraft(
        failure,
        'k'.repeat(64),
        { owner: 'o', name: 'r', baseBranch: 'main' },
        'main.tf',
        fix,
        'ok',
      );
      expect(draft.body, what).not.toContain(part);
      expect(draft.body, what).not.toContain(JSON.stringify(part).slice(1, -1));
      expect(draft.body, what).toMatch(/\*\*Failure Reason\*\*: reported: .*\[REDACTED\]/);
    }
  });

  it('keeps every secret out of HTTP answers (the failed outcome and the validation text)', () => {
    for (const [what, secret, part] of CORPUS) {
      const failed = resultView({
        key: 'k'.repeat(64),
        outcome: {
          kind: 'failed',
          code: 'TFX_PERMANENT',
          category: 'permanent',
          stage: 'create_pr',
          message: `GitHub said ${secret}`,
        },
        timings: {},
        retries: {},
      });
      const completed = resultView({
        key: 'k'.repeat(64),
        outcome: {
          kind: 'completed',
          prUrl: 'https://github.com/o/r/pull/1',
          prNumber: 1,
          reused: false,
          changedAttributes: [],
          validation: `terraform said ${secret}`,
          fix: { source: 'model' },
        },
        timings: {},
        retries: {},
      });
      for (const body of [JSON.stringify(failed), JSON.stringify(completed)]) {
        expect(body, what).not.toContain(JSON.stringify(part).slice(1, -1));
        expect(body, what).toContain('[REDACTED]');
      }
    }
  });
});
