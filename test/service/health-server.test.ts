import { describe, expect, it } from 'vitest';
import { PipelineMetrics } from '../../src/observability/pipeline-metrics.js';
import { quantile } from '../../src/observability/metrics-json.js';
import { buildHealthApp, wantsPrometheus } from '../../src/service/health-server.js';

function app(options: { redisUp?: boolean; draining?: boolean } = {}) {
  const metrics = new PipelineMetrics();
  metrics.observer.stageFinished('clone_repo', 120, true);
  metrics.observer.stageFinished('clone_repo', 80, true);
  return buildHealthApp({
    pingRedis: () => (options.redisUp === false ? Promise.reject(new Error('down')) : Promise.resolve()),
    draining: () => options.draining === true,
    status: () => Promise.resolve({ components: { redis: 'connected' } }),
    registry: metrics.registry,
  });
}

describe('health server', () => {
  it('/health answers healthy', async () => {
    const res = await app().inject('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'healthy' });
  });

  it('/ready is 200 with Redis connected, 503 while Redis is unreachable or the process drains', async () => {
    const ok = await app().inject('/ready');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ready', redis: 'connected' });
    const down = await app({ redisUp: false }).inject('/ready');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'not ready', redis: 'unreachable' });
    const draining = await app({ draining: true }).inject('/ready');
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toMatchObject({ status: 'not ready', draining: true });
  });

  it('/metrics is the guide JSON by default, with stage timings', async () => {
    const res = await app().inject('/metrics');
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json<{
      counters: Record<string, unknown>;
      gauges: Record<string, unknown>;
      timings: Record<string, { count: number; p50_ms: number; p99_ms: number }>;
    }>();
    expect(body.counters).toHaveProperty('failures_processed_total', 0);
    expect(body.gauges).toHaveProperty('queue_depth', 0);
    expect(body.timings.clone_repo?.count).toBe(2);
    expect(body.timings.clone_repo?.p50_ms).toBeGreaterThan(50);
    expect(body.timings.clone_repo?.p99_ms).toBeLessThanOrEqual(250);
    expect(Object.keys(body.timings)).toEqual(
      expect.arrayContaining(['fetch_vanta', 'bedrock_inference', 'create_pr', 'total_processing']),
    );
  });

  it('/metrics is Prometheus text for Accept: text/plain or ?format=prometheus', async () => {
    for (const res of [
      await app().inject({ url: '/metrics', headers: { accept: 'text/plain;version=0.0.4' } }),
      await app().inject('/metrics?format=prometheus'),
    ]) {
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      expect(res.body).toMatch(/^# TYPE failures_processed_total counter$/m);
      expect(res.body).toMatch(/^failures_processed_total 0$/m);
      expect(res.body).toMatch(/^terrafix_stage_duration_seconds_count\{stage="clone_repo"\} 2$/m);
    }
  });

  it('/status passes the service view through', async () => {
    expect((await app().inject('/status')).json()).toEqual({ components: { redis: 'connected' } });
  });

  it('content negotiation and bucket quantiles', () => {
    expect(wantsPrometheus(undefined, undefined)).toBe(false);
    expect(wantsPrometheus('application/json', undefined)).toBe(false);
    expect(wantsPrometheus('application/openmetrics-text; version=1.0.0', undefined)).toBe(true);
    expect(wantsPrometheus(undefined, 'json')).toBe(false);
    const buckets = [
      { le: 0.1, count: 0 },
      { le: 1, count: 10 },
      { le: Infinity, count: 10 },
    ];
    expect(quantile(buckets, 10, 0.5)).toBeCloseTo(0.55);
    expect(quantile(buckets, 0, 0.5)).toBe(0);
  });
});
