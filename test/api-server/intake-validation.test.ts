import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failures, post, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ TERRAFIX_BODY_LIMIT_BYTES: '4096', TERRAFIX_BATCH_MAX: '5' });
});
afterAll(() => api.close());

describe('POST /webhook input validation', () => {
  it('names the offending field of a schema error', async () => {
    const [valid] = failures(1);
    const res = await post(api.app, '/webhook', {
      ...valid,
      severity: 'apocalyptic',
      resource_arn: 'not-an-arn',
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; issues: { field: string }[] }>();
    expect(body.issues.map((i) => i.field).sort()).toEqual(['resource_arn', 'severity']);
    expect(body.error).toMatch(/severity/);
  });

  it('names missing required fields (the guide curl body)', async () => {
    const res = await post(api.app, '/webhook', { test_id: 'test-123', resource_arn: 'arn:aws:s3:::bucket' });
    expect(res.statusCode).toBe(400);
    const fields = res.json<{ issues: { field: string }[] }>().issues.map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'test_name',
        'resource_type',
        'failure_reason',
        'severity',
        'framework',
        'failed_at',
      ]),
    );
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"hello"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('rejects %s with 400, not 5xx', async (_name, raw) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/webhook',
      payload: raw,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toMatch(/\(root\): expected a JSON object/);
  });

  it.each([
    ['malformed JSON', '{"test_id": ', 'application/json', 400],
    ['an empty JSON body', '', 'application/json', 400],
    ['an unsupported media type', 'test_id=1', 'application/x-www-form-urlencoded', 415],
  ])('rejects %s with a 4xx JSON error', async (_name, raw, type, status) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/webhook',
      payload: raw,
      headers: { 'content-type': type },
    });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json<{ error: string }>().error.length).toBeGreaterThan(0);
  });

  it('rejects a body over the limit with 413', async () => {
    const [valid] = failures(1);
    const res = await post(api.app, '/webhook', { ...valid, failure_reason: 'x'.repeat(5000) });
    expect(res.statusCode).toBe(413);
    expect(res.json<{ code: string }>().code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
  });

  it('rejects an unknown mode', async () => {
    const [valid] = failures(1);
    const res = await post(api.app, '/webhook?mode=later', valid);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toMatch(/^mode/);
  });

  it('counts rejected requests in /status', async () => {
    const status = (await api.app.inject('/status')).json<{ stats: { rejected_requests: number } }>();
    expect(status.stats.rejected_requests).toBeGreaterThan(0);
  });
});

describe('POST /batch', () => {
  it('runs items concurrently with per-item results; a bad item does not fail the others', async () => {
    const [a, b] = failures(2, 99);
    const res = await post(api.app, '/batch', [a, { ...b, test_name: '' }, b]);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      total: number;
      successful: number;
      failed: number;
      results: { outcome: string; issues?: { field: string }[] }[];
    }>();
    expect(body.total).toBe(3);
    expect(body.successful).toBe(2);
    expect(body.failed).toBe(1);
    expect(body.results.map((r) => r.outcome)).toEqual(['completed', 'rejected', 'completed']);
    expect(body.results[1]?.issues?.[0]?.field).toBe('1.test_name');
  });

  it('rejects a non-array, an empty array and an oversized batch with 400', async () => {
    const items = failures(6, 5);
    for (const [payload, pattern] of [
      [{ failures: items }, /Expected array/],
      [[], /at least one/],
      [items, /at most 5/],
    ] as const) {
      const res = await post(api.app, '/batch', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(pattern);
    }
  });

  it('answers 202 with a job per valid item in async mode', async () => {
    const items = failures(3, 1234);
    const res = await post(api.app, '/batch?mode=async', items);
    expect(res.statusCode).toBe(202);
    const body = res.json<{ accepted: number; results: { job_id: string }[] }>();
    expect(body.accepted).toBe(3);
    for (const r of body.results) {
      await expect
        .poll(async () => (await api.app.inject(`/jobs/${r.job_id}`)).json<{ state: string }>().state)
        .toBe('done');
      const job = (await api.app.inject(`/jobs/${r.job_id}`)).json<{ result: { outcome: string } }>();
      expect(job.result.outcome).toBe('completed');
    }
  });
});
