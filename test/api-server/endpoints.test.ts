import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Failure, failureKey } from '../../src/pipeline/failure.js';
import { failures, post, startTestApi, type TestApi } from '../support/api.js';
import { parsePrometheusText } from '../support/prometheus-text.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ TERRAFIX_MOCK_FAILURE_RATE: '0.5', TERRAFIX_MOCK_SEED: '3' });
  await post(api.app, '/batch', failures(20, 2));
  await post(api.app, '/webhook', { nonsense: true });
});
afterAll(() => api.close());

describe('/metrics', () => {
  it('parses as Prometheus text with the guide names and per-stage histograms', async () => {
    const res = await api.app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(res.body);
    for (const name of [
      'failures_processed_total',
      'failures_successful_total',
      'failures_skipped_total',
      'failures_failed_total',
      'prs_created_total',
      'api_errors_total',
      'queue_depth',
      'active_workers',
      'terrafix_requests_total',
      'terrafix_request_latency_ms',
      'terrafix_requests_per_second',
      'terrafix_stage_duration_seconds',
      'terrafix_injected_faults_total',
      'http_request_duration_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(families.has(name), name).toBe(true);
    }
    const processed = families.get('failures_processed_total')?.[0]?.value;
    expect(processed).toBe(20);
    const stages = new Set(families.get('terrafix_stage_duration_seconds')?.map((s) => s.labels.stage));
    expect([...stages].sort()).toEqual(
      [
        'bedrock_inference',
        'clone_repo',
        'create_pr',
        'fetch_vanta',
        'parse_terraform',
        'total_processing',
        'validate_fix',
      ].sort(),
    );
    const injected = families
      .get('terrafix_injected_faults_total')
      ?.find((s) => s.labels.stage === 'bedrock_inference');
    const failed = families.get('failures_failed_total')?.find((s) => s.labels.code === 'TFX_PERMANENT');
    expect(injected?.value).toBe(failed?.value);
    expect(families.get('terrafix_requests_total')?.find((s) => s.labels.status === 'rejected')?.value).toBe(
      1,
    );
  });

  it('the checker itself rejects broken exposition', () => {
    expect(() => parsePrometheusText('x 1')).toThrow(/newline/);
    expect(() =>
      parsePrometheusText(
        '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      ),
    ).toThrow(/cumulative/);
    expect(() => parsePrometheusText('a 1\nb 1\na 2\n')).toThrow(/uninterrupted|duplicate/);
  });
});

describe('/status, /health, /ready, /stats/reset', () => {
  it("keeps the guide's /status shape and adds queue, dedup, faults and config", async () => {
    const body = (await api.app.inject('/status')).json<Record<string, unknown>>();
    expect(body).toMatchObject({ status: 'running', mock_mode: true });
    expect(body.stats).toMatchObject({
      total_requests: 2,
      successful_requests: expect.any(Number),
      failed_requests: expect.any(Number),
      success_rate_percent: expect.any(Number),
      uptime_seconds: expect.any(Number),
      requests_per_second: expect.any(Number),
      latency_ms: {
        avg: expect.any(Number),
        min: expect.any(Number),
        max: expect.any(Number),
        p50: expect.any(Number),
        p95: expect.any(Number),
        p99: expect.any(Number),
      },
    });
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining([
        'queue',
        'dedup',
        'failures',
        'injected_faults',
        'config',
        'parse_cache',
        'terraform_validate',
      ]),
    );
  });

  it('answers health and readiness', async () => {
    expect((await api.app.inject('/health')).json()).toEqual({ status: 'healthy' });
    const ready = await api.app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', state_store: 'connected' });
  });

  it('sends CORS headers, answers preflight, 405 for a wrong method and 404 for an unknown path, all in JSON', async () => {
    expect((await api.app.inject('/health')).headers['access-control-allow-origin']).toBe('*');
    const preflight = await api.app.inject({ method: 'OPTIONS', url: '/webhook' });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    const wrong = await api.app.inject({ method: 'PUT', url: '/webhook' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect(wrong.json()).toMatchObject({ code: 'TFX_METHOD_NOT_ALLOWED' });
    const missing = await api.app.inject('/nowhere?x=1');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'Not found' });
    expect((await api.app.inject('/jobs/does-not-exist')).statusCode).toBe(404);
  });

  it('POST /stats/reset zeroes the counters; GET is kept for the guide', async () => {
    const reset = await post(api.app, '/stats/reset', {});
    expect(reset.json()).toMatchObject({ message: 'Stats reset', state_cleared: false });
    const status = (await api.app.inject('/status')).json<{
      stats: { total_requests: number };
      failures: { processed: number };
    }>();
    expect(status.stats.total_requests).toBe(0);
    expect(status.failures.processed).toBe(0);
    expect((await api.app.inject('/stats/reset')).json()).toMatchObject({ message: 'Stats reset' });
    expect((await post(api.app, '/stats/reset', { clear: true })).statusCode).toBe(400);
  });

  it('clear_state forgets processed failures so a run can be repeated', async () => {
    const [failure] = failures(1, 555);
    await api.app.inject({ method: 'POST', url: '/configure', payload: { failure_rate: 0 } });
    expect((await post(api.app, '/webhook', failure)).json()).toMatchObject({ outcome: 'completed' });
    expect((await post(api.app, '/webhook', failure)).json()).toMatchObject({ outcome: 'skipped_duplicate' });
    await post(api.app, '/stats/reset', { clear_state: true });
    expect((await post(api.app, '/webhook', failure)).json()).toMatchObject({
      outcome: 'completed',
      pr_reused: false,
      fix_source: expect.stringMatching(/^(playbook|model)$/) as unknown,
    });
  });
});

describe('async jobs', () => {
  it('Prefer: respond-async gives 202, a Location and a job that reaches its outcome', async () => {
    const [failure] = failures(1, 8080);
    await post(api.app, '/configure', { failure_rate: 0 });
    const res = await post(api.app, '/webhook', failure, { prefer: 'respond-async' });
    expect(res.statusCode).toBe(202);
    expect(res.headers['preference-applied']).toBe('respond-async');
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/jobs\/[0-9a-f-]{36}$/);
    await expect
      .poll(async () => (await api.app.inject(location)).json<{ state: string }>().state)
      .toBe('done');
    expect(res.json()).toEqual({
      accepted: true,
      job_id: location.slice('/jobs/'.length),
      status_url: location,
    });
    const job = (await api.app.inject(location)).json<{
      http_status: number;
      result: { failure_hash: string };
    }>();
    expect(job.result.failure_hash).toBe(failureKey(failure as Failure));
    expect(job.http_status).toBe(200);
  });

  it('?mode=async answers 202 without Preference-Applied, and unknown job ids are 404', async () => {
    const [failure] = failures(2, 8081);
    const first = await post(api.app, '/webhook?mode=async', failure);
    expect(first.statusCode).toBe(202);
    expect(first.headers['preference-applied']).toBeUndefined(); // no Prefer header was sent
    const id = first.json<{ job_id: string }>().job_id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const known = await api.app.inject(`/jobs/${id}`);
    expect(known.statusCode).toBe(200);
    // Same shape, other sequence number; another prefix; not an id at all.
    const unknownSeq = `${id.slice(0, 24)}ffffffffffff`;
    const otherPrefix = `00000000-0000-4000-8000-${id.slice(24)}`;
    for (const bad of [unknownSeq, otherPrefix, 'not-a-job', `${id.slice(0, 24)}zzzzzzzzzzzz`]) {
      expect((await api.app.inject(`/jobs/${bad}`)).statusCode, bad).toBe(404);
    }
  });
});
