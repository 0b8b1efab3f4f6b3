/**
 * Latency distribution from the run's recorded HDR histogram (every request, not summary percentiles):
 * counts per log-spaced bucket.
 */
import * as hdr from 'hdr-histogram-js';
import { fmtCount, fmtMs, fmtPct } from '../format.js';
import type { RunData } from '../../experiments/results/rebuild-summary.js';
import type { ChartSpec } from './render.js';
import { axis, chartOptions, color } from './style.js';

export interface LatencyBucket {
  /** Bounds in ms: [from, to). */
  from: number;
  to: number;
  count: number;
}

export interface Distribution {
  buckets: LatencyBucket[];
  total: number;
  p50: number;
  p99: number;
  max: number;
}

/** Rounds a bucket bound to 2 significant digits so labels stay short. */
function bound(v: number): number {
  return Number(v.toPrecision(2));
}

/** Decodes an HDR compressed-base64 histogram (µs) into log-spaced ms buckets spanning its min..max. */
export function latencyDistribution(base64: string): Distribution {
  const h = hdr.decodeFromCompressedBase64(base64, 32, false) as hdr.JsHistogram;
  try {
    const total = h.totalCount;
    if (total === 0) return { buckets: [], total: 0, p50: 0, p99: 0, max: 0 };
    const minMs = Math.max(h.minNonZeroValue / 1000, 0.001);
    const maxMs = Math.max(h.maxValue / 1000, minMs * 1.0001);
    const lo = Math.floor(Math.log10(minMs));
    const decades = Math.max(1, Math.log10(maxMs) - lo);
    // 12 to 60 bars whatever the spread: fine enough for a tight run, readable for a wide one.
    const steps = Math.min(40, Math.max(5, Math.round(40 / decades)));
    const index = (ms: number) => Math.floor((Math.log10(Math.max(ms, minMs)) - lo) * steps);
    const first = index(minMs);
    const last = index(maxMs);
    const buckets: LatencyBucket[] = [];
    for (let i = first; i <= last; i++)
      buckets.push({
        from: bound(10 ** (lo + i / steps)),
        to: bound(10 ** (lo + (i + 1) / steps)),
        count: 0,
      });
    const it = h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      const bucket = buckets[Math.min(index(v.valueIteratedTo / 1000), last) - first];
      if (bucket !== undefined) bucket.count += v.countAddedInThisIterationStep;
    }
    const pick = (p: number) => Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000;
    return { buckets, total, p50: pick(50), p99: pick(99), max: h.maxValue / 1000 };
  } finally {
    h.destroy();
  }
}

/** Bar chart of request counts per log-spaced latency bucket of one run; undefined when nothing was recorded. */
export function distributionChart(
  run: RunData & { result: NonNullable<RunData['result']> },
): ChartSpec | undefined {
  const d = latencyDistribution(run.result.histogram);
  if (d.total === 0) return undefined;
  const { name, experiment } = run.summary;
  const mode = d.buckets.reduce((m, b) => (b.count > m.count ? b : m), { from: 0, to: 0, count: -1 });
  return {
    file: `distribution-${experiment}-${name}.png`,
    title: `Latency distribution — ${name}`,
    group: experiment,
    analysis:
      `Of ${fmtCount(d.total)} recorded requests, the most common band was ${fmtMs(mode.from)}–${fmtMs(mode.to)} ` +
      `(${fmtPct(mode.count / d.total, 1)}); from the histogram p50 is ${fmtMs(d.p50)}, p99 ${fmtMs(d.p99)}, max ${fmtMs(d.max)}.`,
    config: {
      type: 'bar',
      data: {
        labels: d.buckets.map((b) => String(b.from)),
        datasets: [
          {
            label: 'requests',
            data: d.buckets.map((b) => b.count),
            backgroundColor: color(0),
            borderColor: color(0),
            barPercentage: 1,
            categoryPercentage: 0.95,
          },
        ],
      },
      options: chartOptions(
        `Latency distribution — ${name}`,
        {
          x: axis('latency (ms, log-spaced buckets; label = lower bound)', {
            ticks: { maxRotation: 60, minRotation: 0, autoSkip: true },
          }),
          y: axis('requests', { beginAtZero: true, ticks: { precision: 0 } }),
        },
        { legend: false, subtitle: `${fmtCount(d.total)} requests from the recorded HDR histogram` },
      ),
    },
  };
}
