import { readFileSync } from 'node:fs';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  K6_LATENCY_NOTE,
  K6RunAccumulator,
  k6ErrorKind,
  parseNdjsonLine,
} from '../../../experiments/engine/k6-ndjson.js';
import type { LoadShape } from '../../../experiments/profiles/schema.js';
import { runResultSchema } from '../../../experiments/results/run-result.js';

/**
 * A hand-designed 3-second run in k6's `--out json` format (+01:00 local times with nanoseconds, Metric
 * declarations, setup's readiness probe, the script's load-start marker). Per second:
 *   0: 202 12.3 ms, 202 8.1 ms, 202 45 ms (batch of 5), 429 3.2 ms; vus 2
 *   1: 202 15 ms, 500 1500 ms, status 0 / 1050 (timeout) 1000.5 ms, 404 2 ms; 1 dropped; vus 3
 *   2: status 0 / 1212 (connection refused) 0.9 ms, 202 20 ms; 2 dropped; one iteration capped by maxRequests; vus 1
 */
const FIXTURE = readFileSync(new URL('./fixtures/k6-run.ndjson', import.meta.url), 'utf8');
const LOAD: LoadShape = {
  executor: 'constant-arrival-rate',
  rate: 4,
  duration: 3,
  preAllocatedVUs: 2,
  maxVUs: 4,
};

function convert(text: string, aborted: string | null = null) {
  const acc = new K6RunAccumulator();
  for (const line of text.split('\n')) acc.addLine(line);
  return {
    acc,
    result: acc.toRunResult({
      load: LOAD,
      k6Version: 'k6 v0.47.0 (test)',
      fallbackStart: new Date(0),
      aborted,
    }),
  };
}

describe('parseNdjsonLine', () => {
  it('reads Point lines, skips declarations and blanks, flags garbage', () => {
    expect(
      parseNdjsonLine(
        '{"type":"Point","metric":"http_req_duration","data":{"time":"2026-11-27T00:00:00.123Z","value":12.3,"tags":{"status":"200","expected_response":"true"}}}',
      ),
    ).toEqual({
      metric: 'http_req_duration',
      timeMs: Date.parse('2026-11-27T00:00:00.123Z'),
      value: 12.3,
      tags: { status: '200', expected_response: 'true' },
    });
    expect(parseNdjsonLine('{"type":"Metric","data":{"type":"trend"},"metric":"x"}')).toBeNull();
    expect(parseNdjsonLine('   ')).toBeNull();
    expect(parseNdjsonLine('{"type":"Point"')).toBe('malformed');
    expect(parseNdjsonLine('{"type":"Point","metric":"x","data":{"time":"yesterday","value":1}}')).toBe(
      'malformed',
    );
  });
});

describe('k6ErrorKind', () => {
  it('classifies by status, and by error_code when there was no response', () => {
    expect(k6ErrorKind(202, undefined)).toBeNull();
    expect(k6ErrorKind(429, '1429')).toBe('http_429');
    expect(k6ErrorKind(404, '1404')).toBe('http_4xx');
    expect(k6ErrorKind(503, '1503')).toBe('http_5xx');
    expect(k6ErrorKind(0, '1050')).toBe('timeout');
    expect(k6ErrorKind(0, '1211')).toBe('connection');
    expect(k6ErrorKind(0, '1101')).toBe('connection');
    expect(k6ErrorKind(0, undefined)).toBe('connection');
    expect(k6ErrorKind(0, '1020')).toBe('other');
  });
});

describe('K6RunAccumulator on the fixture', () => {
  const { acc, result } = convert(FIXTURE);

  it('gives a RunResult that passes the schema', () => {
    expect(() => runResultSchema.parse(result)).not.toThrow();
    expect(acc.malformedLines).toBe(0);
    expect(result.engine).toBe('k6');
    expect(result.engineVersion).toBe(`k6 v0.47.0 (test) [${K6_LATENCY_NOTE}]`);
  });

  it('counts the load requests only (not the readiness probe) with status and error kinds', () => {
    expect(result.requests).toBe(10);
    expect(result.statusCounts).toEqual({ '202': 5, '429': 1, '500': 1, '0': 2, '404': 1 });
    expect(result.errors).toEqual({
      http_4xx: 1,
      http_429: 1,
      http_5xx: 1,
      timeout: 1,
      connection: 1,
      other: 0,
    });
    expect(result.items).toBe(14);
    expect(result.droppedIterations).toBe(3);
    // 11 completed iterations, one of which sent nothing because maxRequests was reached.
    expect(result.iterations).toBe(10);
  });

  it('anchors time at the load-start marker and ends at the last load sample', () => {
    expect(result.startedAt).toBe('2026-11-27T00:00:00.000Z');
    expect(result.endedAt).toBe('2026-11-27T00:00:02.800Z');
    expect(result.durationSeconds).toBe(2.8);
    expect(result.achievedRate).toBeCloseTo(10 / 2.8, 3);
    expect(result.intendedRate).toBe(4);
  });

  it('builds the per-second timeline', () => {
    expect(result.timeline.map((p) => p.t)).toEqual([0, 1, 2]);
    expect(result.timeline.map((p) => [p.requests, p.errors, p.dropped, p.scheduled, p.activeVUs])).toEqual([
      [4, 1, 0, 4, 2],
      [4, 3, 1, 5, 3],
      [2, 1, 2, 4, 1],
    ]);
    const [s0, s1, s2] = result.timeline;
    // Buckets (upper bounds 1, 2, 5, 10, 20, 50, ... ms): 3.2 → ≤5, 8.1 → ≤10, 12.3 → ≤20, 45 → ≤50.
    expect(s0!.buckets.slice(0, 6)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(s0!.buckets.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s0!.max).toBe(45);
    expect(s1!.p99).toBeCloseTo(1500, -1);
    expect(s1!.max).toBe(1500);
    expect(s2!.p50).toBeCloseTo(0.9, 2);
    expect(s2!.buckets[0]).toBe(1);
  });

  it('summarises the whole-run latency and encodes the HDR histogram in microseconds', () => {
    expect(result.latency.count).toBe(10);
    expect(result.latency.min).toBeCloseTo(0.9, 2);
    expect(result.latency.max).toBeCloseTo(1500, -1);
    const decoded = hdr.decodeFromCompressedBase64(result.histogram);
    expect(decoded.totalCount).toBe(10);
    expect(decoded.maxValue).toBeGreaterThan(1_499_000);
  });
});

describe('K6RunAccumulator while the run goes', () => {
  const lines = FIXTURE.split('\n');

  it('hands out seconds once newer samples arrive, and late samples still count', () => {
    const acc = new K6RunAccumulator();
    const handed: number[] = [];
    // Everything up to (and including) second 1's last vus sample.
    const cut = lines.findIndex((l) => l.includes('"value":3,') && l.includes('"metric":"vus"'));
    for (const line of lines.slice(0, cut + 1)) acc.addLine(line);
    handed.push(...acc.takeSettledSeconds(1).map((p) => p.t));
    expect(handed).toEqual([0]);
    // A late 202 for second 0 arrives after second 0 was handed out.
    acc.addSample({
      metric: 'http_reqs',
      timeMs: Date.parse('2026-11-27T00:00:00.950Z'),
      value: 1,
      tags: { endpoint: 'webhook', status: '202' },
    });
    for (const line of lines.slice(cut + 1)) acc.addLine(line);
    const result = acc.toRunResult({
      load: LOAD,
      k6Version: 'k6',
      fallbackStart: new Date(0),
      aborted: 'interrupted',
    });
    expect(result.timeline[0]!.requests).toBe(5);
    expect(result.timeline[0]!.scheduled).toBe(5);
    expect(result.requests).toBe(11);
    expect(result.aborted).toBe('interrupted');
    expect(acc.takeSettledSeconds(0)).toEqual([]);
  });

  it('falls back to the first request start without the marker, and to the given start without any sample', () => {
    const withoutMarker = convert(lines.filter((l) => !l.includes('terrafix_load_start')).join('\n')).result;
    // k6 writes a request's http_reqs sample before its duration, so the first request's end is the anchor.
    expect(withoutMarker.startedAt).toBe('2026-11-27T00:00:00.123Z');
    expect(withoutMarker.requests).toBe(10);
    const empty = new K6RunAccumulator().toRunResult({
      load: LOAD,
      k6Version: 'k6',
      fallbackStart: new Date('2026-11-27T10:00:00Z'),
      aborted: null,
    });
    expect(() => runResultSchema.parse(empty)).not.toThrow();
    expect(empty).toMatchObject({
      requests: 0,
      timeline: [],
      startedAt: '2026-11-27T10:00:00.000Z',
      durationSeconds: 0,
    });
  });

  it('skips the samples of metrics it does not read without parsing them, and keeps those it reads', () => {
    const line = (metric: string, rest: string): string =>
      `{"metric":"${metric}","type":"Point","data":{"time":"2026-11-27T10:00:00.5Z","value":1,"tags":{}}${rest}`;
    // The unparsable tail shows the line was never handed to JSON.parse.
    expect(parseNdjsonLine(line('http_req_blocked', ' not json'))).toBeNull();
    expect(parseNdjsonLine(line('data_sent', ' not json'))).toBeNull();
    expect(parseNdjsonLine(line('http_reqs', ' not json'))).toBe('malformed');
    expect(parseNdjsonLine(line('terrafix_extra_items', '}'))).toMatchObject({
      metric: 'terrafix_extra_items',
      value: 1,
    });
  });

  it('counts malformed lines instead of failing on them', () => {
    const { acc, result } = convert(`${FIXTURE}\n{"type":"Point",\nnot json\n`);
    expect(acc.malformedLines).toBe(2);
    expect(result.requests).toBe(10);
  });
});
