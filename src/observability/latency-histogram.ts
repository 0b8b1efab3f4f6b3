import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  avg: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
}

/** Millisecond latencies in an HDR histogram (microsecond resolution, 3 significant digits): bounded memory. */
export class LatencyHistogram {
  private histogram = hdr.build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3 });

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    this.histogram.recordValue(Math.max(0, Math.round(ms * 1000)));
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const count = h.totalCount;
    const at = (p: number): number => (count === 0 ? 0 : round3(h.getValueAtPercentile(p) / 1000));
    return {
      count,
      avg: count === 0 ? 0 : round3(h.mean / 1000),
      min: count === 0 ? 0 : round3(h.minNonZeroValue / 1000),
      max: round3(h.maxValue / 1000),
      p50: at(50),
      p90: at(90),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
    };
  }

  reset(): void {
    this.histogram.reset();
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
