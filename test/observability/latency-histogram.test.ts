import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/observability/latency-histogram.js';

describe('LatencyHistogram', () => {
  it('is all zeros when empty', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      avg: 0,
      min: 0,
      max: 0,
      p50: 0,
      p90: 0,
      p95: 0,
      p99: 0,
      p999: 0,
    });
  });

  it('reports percentiles of 1..1000 ms within 1%', () => {
    const h = new LatencyHistogram();
    // Shuffled order: the summary must not depend on arrival order.
    for (let i = 0; i < 1000; i++) h.record(((i * 617) % 1000) + 1);
    const s = h.summary();
    expect(s.count).toBe(1000);
    const near = (actual: number, expected: number): void => {
      expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.01);
    };
    near(s.p50, 500);
    near(s.p90, 900);
    near(s.p95, 950);
    near(s.p99, 990);
    near(s.p999, 999);
    near(s.avg, 500.5);
    near(s.min, 1);
    near(s.max, 1000);
  });

  it('keeps sub-millisecond resolution and clamps negatives to zero', () => {
    const h = new LatencyHistogram();
    h.record(0.25);
    h.record(0.25);
    h.record(-5);
    const s = h.summary();
    expect(s.count).toBe(3);
    expect(s.max).toBe(0.25);
    expect(s.min).toBe(0.25); // smallest non-zero value
    expect(s.p50).toBe(0.25);
  });

  it('starts over after reset', () => {
    const h = new LatencyHistogram();
    h.record(10);
    h.reset();
    h.record(2);
    expect(h.summary()).toMatchObject({ count: 1, max: 2, p99: 2 });
  });
});
