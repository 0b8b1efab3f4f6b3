import { describe, expect, it } from 'vitest';
import { estimateRetryAfterMs, RecentMean } from '../../src/queue/retry-after.js';

const load = { depth: 10, active: 4, workers: 4, limit: 10 };

describe('Retry-After estimate', () => {
  it('is 1 s with no history', () => {
    expect(estimateRetryAfterMs({ ...load, meanDurationMs: undefined })).toBe(1000);
  });

  it('is mean duration × queued / workers, clamped to 1..60 s', () => {
    expect(estimateRetryAfterMs({ ...load, meanDurationMs: 2000 })).toBe(5000);
    expect(estimateRetryAfterMs({ ...load, meanDurationMs: 10 })).toBe(1000);
    expect(estimateRetryAfterMs({ ...load, meanDurationMs: 600_000 })).toBe(60_000);
    expect(estimateRetryAfterMs({ ...load, depth: 0, meanDurationMs: 8000 })).toBe(2000);
  });

  it('averages only the most recent samples', () => {
    const mean = new RecentMean(4);
    expect(mean.mean).toBeUndefined();
    for (const v of [100, 100, 100, 100]) mean.add(v);
    expect(mean.mean).toBe(100);
    for (const v of [500, 500, 500, 500]) mean.add(v);
    expect(mean.mean).toBe(500);
    mean.add(100);
    expect(mean.mean).toBe(400);
  });
});
