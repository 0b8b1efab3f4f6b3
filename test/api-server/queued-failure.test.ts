import { describe, expect, it } from 'vitest';
import { failureOf, queuedFailureKey } from '../../src/api-server/queued-failure.js';
import { failureKey, failureSchema } from '../../src/pipeline/failure.js';
import { failures, startTestApi } from '../support/api.js';

describe('queued failures', () => {
  it('parse a queued body into the same record intake validated', () => {
    const [input] = failures(1, 404);
    const body = JSON.stringify({ ...input, test_id: `  ${input?.test_id}  `, unknown_key: 1 });
    const record = failureSchema.parse(JSON.parse(body));
    expect(failureOf(body)).toEqual(record);
    expect(failureOf(record)).toBe(record);
    expect(queuedFailureKey(body)).toBe(failureKey(record));
  });

  it('still give an error result a key when the body cannot be parsed', () => {
    expect(() => failureOf('{"test_id": 1}')).toThrow(/test_id/);
    expect(queuedFailureKey('{"test_id": 1}')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('async webhooks queue the body they were validated from', () => {
  it('reach the outcome of the record, whatever the JSON content type parameters', async () => {
    const api = await startTestApi();
    try {
      const [input] = failures(1, 405);
      const res = await api.app.inject({
        method: 'POST',
        url: '/webhook?mode=async',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        payload: JSON.stringify(input),
      });
      expect(res.statusCode).toBe(202);
      const location = String(res.headers.location);
      await expect
        .poll(async () => (await api.app.inject(location)).json<{ state: string }>().state)
        .toBe('done');
      const job = (await api.app.inject(location)).json<{
        result: { failure_hash: string; outcome: string };
      }>();
      expect(job.result.failure_hash).toBe(failureKey(failureSchema.parse(input)));
      expect(job.result.outcome).toBe('completed');
    } finally {
      await api.close();
    }
  });
});
