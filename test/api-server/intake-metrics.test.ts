import { describe, expect, it } from 'vitest';
import { IntakeMetrics } from '../../src/api-server/intake-metrics.js';
import { IntakeStats } from '../../src/api-server/intake-stats.js';
import { PipelineMetrics } from '../../src/observability/pipeline-metrics.js';

/** Pipeline metrics with the API server's intake metrics on the same registry. */
function metrics(requestCounts: Record<string, number> = {}, now: () => number = Date.now) {
  const pipeline = new PipelineMetrics();
  const stats = new IntakeStats(now);
  for (const [result, n] of Object.entries(requestCounts))
    for (let i = 0; i < n; i++) stats.record(result as 'success', 1);
  const intake = new IntakeMetrics(pipeline.registry, stats);
  return {
    registry: pipeline.registry,
    stats,
    observeHttp: intake.observeHttp.bind(intake),
    reset: () => pipeline.reset(),
  };
}

/** The value of one sample line `name{labels} value` in the exposition text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('IntakeMetrics', () => {
  it('exposes HTTP durations as a histogram per method, route and status, zeroed on reset', async () => {
    const m = metrics();
    m.observeHttp('POST', '/webhook', 202, 0.0004);
    m.observeHttp('POST', '/webhook', 202, 0.003);
    m.observeHttp('POST', '/webhook', 202, 120); // above every bucket: only +Inf
    m.observeHttp('GET', '/status', 200, 0.001);
    const text = await m.registry.metrics();
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    const series = (le: string) =>
      `http_request_duration_seconds_bucket{le="${le}",method="POST",route="/webhook",status_code="202"}`;
    expect(sample(text, series('0.0005'))).toBe(1);
    expect(sample(text, series('0.0025'))).toBe(1);
    expect(sample(text, series('0.005'))).toBe(2);
    expect(sample(text, series('60'))).toBe(2);
    expect(sample(text, series('+Inf'))).toBe(3);
    const post = 'method="POST",route="/webhook",status_code="202"';
    expect(sample(text, `http_request_duration_seconds_count{${post}}`)).toBe(3);
    expect(sample(text, `http_request_duration_seconds_sum{${post}}`)).toBeCloseTo(120.0034);
    // A value equal to a bound falls in that bound's bucket (le = "less than or equal").
    const get = 'method="GET",route="/status",status_code="200"';
    expect(sample(text, `http_request_duration_seconds_bucket{le="0.001",${get}}`)).toBe(1);
    m.reset();
    m.observeHttp('POST', '/webhook', 202, 0.003);
    const after = await m.registry.metrics();
    expect(sample(after, `http_request_duration_seconds_count{${post}}`)).toBe(1);
    expect(sample(after, `http_request_duration_seconds_count{${get}}`)).toBe(0);
  });

  it('reads intake request counts from their source at scrape time', async () => {
    const m = metrics({ success: 4, failed: 1, throttled: 2 });
    let text = await m.registry.metrics();
    expect(sample(text, 'terrafix_requests_total{status="success"}')).toBe(4);
    expect(sample(text, 'terrafix_requests_total{status="throttled"}')).toBe(2);
    for (let i = 0; i < 5; i++) m.stats.record('success', 1);
    text = await m.registry.metrics();
    expect(sample(text, 'terrafix_requests_total{status="success"}')).toBe(9);
    expect(text).toMatch(/^# TYPE terrafix_requests_total counter$/m);
  });

  it('exposes intake latency quantiles and the request rate', async () => {
    let clock = 100_000;
    const m = metrics({ success: 30 }, () => clock);
    clock += 3_000; // the rate window counts whole seconds that have passed
    const text = await m.registry.metrics();
    expect(sample(text, 'terrafix_request_latency_ms{quantile="0.99"}')).toBeGreaterThan(0);
    expect(sample(text, 'terrafix_requests_per_second')).toBeGreaterThan(0);
    expect(text).toMatch(/^# TYPE terrafix_queue_rejections_total counter$/m);
  });
});
