/**
 * The webhook signature: the verifier's verdicts, the harness's format checked against it (the built-in engine and
 * the k6 script sign with experiments/signature.ts), and mock mode enforcing a secret when one is configured.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/api-server/signature.js';
import { SIGNATURE_HEADER, signatureValue } from '../../experiments/signature.js';
import { iterationRequest } from '../../experiments/payloads.js';
import { failures, startTestApi, type TestApi } from '../support/api.js';

const SECRET = 'mock-mode-webhook-secret-0001';
const hmacHex = (body: string | Buffer, secret = SECRET) =>
  createHmac('sha256', secret).update(body).digest('hex');

describe('verifySignature', () => {
  const body = Buffer.from('{"test_id":"x"}');

  it('accepts the HMAC-SHA256 of the exact bytes, in either hex case', () => {
    expect(verifySignature(SECRET, body, `sha256=${hmacHex(body)}`)).toBe('valid');
    expect(verifySignature(SECRET, body, `sha256=${hmacHex(body).toUpperCase()}`)).toBe('valid');
  });

  it.each([
    ['no header', undefined, 'missing'],
    ['an empty header', '', 'missing'],
    ['a repeated header', ['sha256=00', 'sha256=11'], 'malformed'],
    ['another algorithm', `sha1=${'0'.repeat(40)}`, 'malformed'],
    ['a short digest', `sha256=${'0'.repeat(62)}`, 'malformed'],
    ['non-hex digits', `sha256=${'z'.repeat(64)}`, 'malformed'],
    ['a bare digest', '0'.repeat(64), 'malformed'],
    ['a wrong digest', `sha256=${'0'.repeat(64)}`, 'mismatch'],
  ])('answers %s with %s', (_name, header, verdict) => {
    expect(verifySignature(SECRET, body, header)).toBe(verdict);
  });

  it('refuses a signature made with another secret or over other bytes', () => {
    expect(verifySignature(SECRET, body, `sha256=${hmacHex(body, 'another-secret-000000')}`)).toBe(
      'mismatch',
    );
    const changed = Buffer.from('{"test_id":"y"}');
    expect(verifySignature(SECRET, changed, `sha256=${hmacHex(body)}`)).toBe('mismatch');
  });

  it("matches the harness's signing exactly (header name, prefix, hex of the raw body)", () => {
    // What experiments/engine/builtin-engine.ts and experiments/k6/terrafix.ts send for a generated request.
    const mix = {
      endpoint: 'batch' as const,
      mode: 'async' as const,
      duplicateRatio: 0,
      batchRatio: 0,
      repoSize: 'small' as const,
      batchSize: { min: 3, max: 3 },
    };
    const request = iterationRequest(mix, 42, 7, '2026-01-01T00:00:00Z');
    const header = signatureValue(hmacHex(request.body));
    expect(SIGNATURE_HEADER.toLowerCase()).toBe('x-terrafix-signature');
    expect(verifySignature(SECRET, Buffer.from(request.body), header)).toBe('valid');
  });
});

describe('mock mode with TERRAFIX_WEBHOOK_SECRET set', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ TERRAFIX_WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await api.close();
  });

  const send = (url: string, body: string, signature?: string) =>
    api.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: {
        'content-type': 'application/json',
        ...(signature === undefined ? {} : { [SIGNATURE_HEADER]: signature }),
      },
    });

  it('enforces the secret: unsigned and wrongly signed requests get 401, signed ones are processed', async () => {
    const body = JSON.stringify(failures(1)[0]);
    const unsigned = await send('/webhook', body);
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toEqual({
      error: 'X-TerraFix-Signature header is required (sha256=<hex HMAC-SHA256 of the body>)',
      code: 'TFX_UNAUTHORIZED',
    });
    expect((await send('/webhook', body, signatureValue(hmacHex(`${body} `)))).statusCode).toBe(401);
    const signed = await send('/webhook', body, signatureValue(hmacHex(body)));
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({ outcome: 'completed' });
  });

  it('signs bodyless POSTs over the empty body, and leaves GETs alone', async () => {
    const bare = (signature?: string) =>
      api.app.inject({
        method: 'POST',
        url: '/stats/reset',
        headers: signature === undefined ? {} : { [SIGNATURE_HEADER]: signature },
      });
    expect((await bare()).statusCode).toBe(401);
    expect((await bare(signatureValue(hmacHex('')))).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/status' })).statusCode).toBe(200);
    const patch = '{"latency_ms":0}';
    expect((await send('/configure', patch)).statusCode).toBe(401);
    expect((await send('/configure', patch, signatureValue(hmacHex(patch)))).statusCode).toBe(200);
  });
});
