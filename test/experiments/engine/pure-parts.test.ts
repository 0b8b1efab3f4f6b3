import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { statusErrorKind, transportErrorKind } from '../../../experiments/engine/error-kind.js';
import { isLoopbackHost, loopbackOrigin } from '../../../experiments/engine/loopback.js';
import { Recorder } from '../../../experiments/engine/recorder.js';
import { buildRunResult } from '../../../experiments/engine/result.js';
import { StopWatch } from '../../../experiments/engine/stop-conditions.js';
import {
  LATENCY_BUCKETS_MS,
  runResultSchema,
  type TimelinePoint,
} from '../../../experiments/results/run-result.js';

describe('loopback', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost and nothing else', () => {
    for (const h of ['127.0.0.1', '127.9.8.7', '[::1]', 'localhost', 'LOCALHOST'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['10.0.0.1', '0.0.0.0', '128.0.0.1', 'example.com', '[::2]', 'localhost.example.com']) {
      expect(isLoopbackHost(h)).toBe(false);
    }
    expect(loopbackOrigin('http://127.0.0.1:8081/some/path')).toBe('http://127.0.0.1:8081');
  });

  it('refuses other targets with a config error naming the host', () => {
    expect(() => loopbackOrigin('http://192.168.1.5:8081')).toThrow(/loopback only.*192\.168\.1\.5/);
    expect(() => loopbackOrigin('ftp://127.0.0.1')).toThrow(/http/);
    expect(() => loopbackOrigin('not a url')).toThrow(expect.objectContaining({ code: 'TFX_CONFIG' }));
  });
});

describe('error kinds', () => {
  it('classifies statuses and transport errors', () => {
    expect(statusErrorKind(200)).toBeNull();
    expect(statusErrorKind(204)).toBeNull();
    expect(statusErrorKind(429)).toBe('http_429');
    expect(statusErrorKind(404)).toBe('http_4xx');
    expect(statusErrorKind(503)).toBe('http_5xx');
    expect(statusErrorKind(302)).toBe('other');
    expect(transportErrorKind(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('connection');
    expect(
      transportErrorKind(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNRESET' })])),
    ).toBe('connection');
    expect(transportErrorKind(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe(
      'timeout',
    );
    expect(transportErrorKind(new Error('x', { cause: { code: 'UND_ERR_SOCKET' } }))).toBe('connection');
    expect(transportErrorKind(new Error('weird'))).toBe('other');
  });
});

describe('Recorder', () => {
  it('attributes completions to their second, buckets latencies by upper bound and flushes in order', () => {
    const r = new Recorder(1000, 2);
    r.record(1000 + 10, 0.5, 200, null, 1); // second 0, bucket ≤1
    r.record(1000 + 999, 1, 200, null, 1); // second 0, bucket ≤1 (bounds are inclusive)
    r.record(1000 + 1500, 250, 503, 'http_5xx', 3); // second 1, bucket ≤500
    r.record(1000 + 1600, 40_000, 0, 'timeout', 1); // second 1, last bucket
    r.scheduled(999.9); // due times are ms since t0: second 0
    r.dropped(999.9);
    const early = r.flushBefore(2, 5);
    expect(early.map((p) => p.t)).toEqual([0, 1]);
    const [p0, p1] = early as [TimelinePoint, TimelinePoint];
    expect(p0).toMatchObject({ requests: 2, errors: 0, scheduled: 1, dropped: 1, activeVUs: 5 });
    expect(p0.buckets[0]).toBe(2);
    expect(p1).toMatchObject({ requests: 2, errors: 2, max: 40_000 });
    expect(p1.buckets[LATENCY_BUCKETS_MS.indexOf(500)]).toBe(1);
    expect(p1.buckets[LATENCY_BUCKETS_MS.length]).toBe(1);
    // Past the last planned second, everything lands in it; it is only flushed by flushAll.
    r.record(1000 + 9000, 2, 200, null, 1);
    expect(r.flushBefore(10, 0)).toEqual([]);
    const rest = r.flushAll(0);
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatchObject({ t: 2, requests: 1 });
    expect(r.errors).toMatchObject({ http_5xx: 1, timeout: 1, connection: 0 });
    expect(r.items).toBe(7);
  });

  it('builds a schema-valid result whose histogram decodes to the same count', () => {
    const r = new Recorder(0, 0);
    for (let i = 1; i <= 100; i++) r.record(500, i, i === 100 ? 429 : 200, i === 100 ? 'http_429' : null, 1);
    const timeline = r.flushAll(0);
    const result = runResultSchema.parse(
      buildRunResult({
        recorder: r,
        timeline,
        startedAt: new Date(0),
        endedAt: new Date(1000),
        durationSeconds: 1,
        intendedRate: null,
        aborted: null,
      }),
    );
    expect(result.statusCounts).toEqual({ '200': 99, '429': 1 });
    expect(result.latency.count).toBe(100);
    expect(result.latency.p50).toBeCloseTo(50, 0);
    expect(result.latency.max).toBe(100);
    expect(result.latency.p999).toBeLessThanOrEqual(result.latency.max);
    expect(hdr.decodeFromCompressedBase64(result.histogram).totalCount).toBe(100);
  });
});

describe('StopWatch', () => {
  const point = (over: Partial<TimelinePoint>): TimelinePoint => ({
    t: 0,
    requests: 100,
    errors: 0,
    dropped: 0,
    scheduled: 100,
    p50: 1,
    p95: 1,
    p99: 1,
    max: 1,
    activeVUs: 1,
    buckets: [],
    ...over,
  });

  it('stops only after a condition holds for sustainSeconds consecutive seconds', () => {
    const w = new StopWatch({ errorRate: 0.5, p99Ms: 100, sustainSeconds: 2 });
    expect(w.observe(point({ errors: 60 }))).toBeNull();
    expect(w.observe(point({ errors: 10 }))).toBeNull(); // streak broken
    expect(w.observe(point({ p99: 150 }))).toBeNull();
    expect(w.observe(point({ p99: 150 }))).toMatch(/p99Ms > 100 for 2 s/);
  });

  it('does not count seconds without a denominator and never stops without conditions', () => {
    const w = new StopWatch({ droppedRate: 0.1, sustainSeconds: 1 });
    expect(w.observe(point({ scheduled: 0, dropped: 0 }))).toBeNull();
    expect(w.observe(point({ scheduled: 10, dropped: 5 }))).toMatch(/droppedRate/);
    expect(new StopWatch(undefined).observe(point({ errors: 100 }))).toBeNull();
  });
});
