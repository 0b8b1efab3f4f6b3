/** HDR histograms of latencies in microseconds (3 significant digits, bounded memory) and their ms summaries. */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummaryMs } from '../results/run-result.js';

export type Histogram = hdr.Histogram;

/** An empty microsecond histogram that grows as needed. */
export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
  });
}

/** Microseconds (at least 1, so a sub-microsecond answer still counts) of a millisecond latency. */
export function toMicros(ms: number): number {
  return ms < 0.001 ? 1 : Math.round(ms * 1000);
}

/** Milliseconds at percentile `p` (0 for an empty histogram), never above the recorded max. */
export function percentileMs(h: Histogram, p: number): number {
  // HDR reports the top of the value's bucket, which can exceed the exact max by the bucket's width.
  return h.totalCount === 0 ? 0 : round3(Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000);
}

/** The run-result latency summary of a histogram, in ms. */
export function summarize(h: Histogram): LatencySummaryMs {
  const count = h.totalCount;
  return {
    count,
    min: count === 0 ? 0 : round3(h.minNonZeroValue / 1000),
    mean: count === 0 ? 0 : round3(h.mean / 1000),
    p50: percentileMs(h, 50),
    p90: percentileMs(h, 90),
    p95: percentileMs(h, 95),
    p99: percentileMs(h, 99),
    p999: percentileMs(h, 99.9),
    max: count === 0 ? 0 : round3(h.maxValue / 1000),
  };
}

/** The histogram as HDR compressed base64 (the RunResult.histogram format). */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
