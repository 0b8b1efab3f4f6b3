/**
 * One run measured by several load generators (k6-operator runners, or any split of one test): their raw
 * outputs merged into one RunResult, as if one generator had sent everything. k6 NDJSON files are merged at the
 * sample level (every sample into one accumulator, in time order: one HDR histogram, rates summed per second,
 * the timeline starting at the earliest runner's load start), which gives exactly the result of the whole
 * stream. RunResult files (result.json) are merged by adding their HDR histograms and counters, per-second
 * points aligned on their start times; per-second percentiles then are the worst runner's (an upper bound).
 * Per-second VU counts are summed for RunResults; for NDJSON they are one runner's (k6 does not tag them).
 */
import * as hdr from 'hdr-histogram-js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { K6RunAccumulator, parseNdjsonLine, type K6Sample } from '../engine/k6-ndjson.js';
import { encodeHistogram, newHistogram, summarize } from '../engine/latency.js';
import { emptyPoint } from '../engine/recorder.js';
import type { LoadShape } from '../profiles/schema.js';
import {
  ERROR_KINDS,
  type LatencySummaryMs,
  type RunResult,
  type TimelinePoint,
} from '../results/run-result.js';

/** Merges k6 `--out json` outputs of one run (each file one runner's). */
export function mergeK6Outputs(
  texts: readonly string[],
  ctx: { load: LoadShape; k6Version: string; aborted?: string | null },
): RunResult {
  const samples: K6Sample[] = [];
  let malformed = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const s = parseNdjsonLine(line);
      if (s === 'malformed') malformed++;
      else if (s !== null) samples.push(s);
    }
  }
  if (samples.length === 0) {
    throw new TerraFixError('TFX_CONFIG', '--merge: no k6 samples in the given files', {
      category: 'config',
      field: '--merge',
      cause: { malformed },
    });
  }
  // Stable: samples of one runner keep their written order within a millisecond.
  samples.sort((a, b) => a.timeMs - b.timeMs);
  const acc = new K6RunAccumulator();
  for (const s of samples) acc.addSample(s);
  const first = samples[0]!;
  return acc.toRunResult({
    load: ctx.load,
    k6Version: ctx.k6Version,
    fallbackStart: new Date(first.timeMs),
    aborted: ctx.aborted ?? null,
  });
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * A decoded HDR histogram knows its max only to its bucket's precision; the runners' own maxima are exact, so
 * no statistic may exceed the largest of them.
 */
function exactMax(latency: LatencySummaryMs, max: number): LatencySummaryMs {
  const cap = (v: number): number => Math.min(v, max);
  return {
    ...latency,
    p50: cap(latency.p50),
    p90: cap(latency.p90),
    p95: cap(latency.p95),
    p99: cap(latency.p99),
    p999: cap(latency.p999),
    max,
  };
}

/** Merges RunResults of one run (each one generator's share). */
export function mergeRunResults(results: readonly RunResult[]): RunResult {
  const [head] = results;
  if (head === undefined)
    throw new TerraFixError('TFX_CONFIG', '--merge: nothing to merge', {
      category: 'config',
      field: '--merge',
    });
  const whole = newHistogram();
  for (const r of results) whole.add(hdr.decodeFromCompressedBase64(r.histogram, 32, false));
  const startMs = Math.min(...results.map((r) => Date.parse(r.startedAt)));
  const endMs = Math.max(...results.map((r) => Date.parse(r.endedAt)));
  const timeline = new Map<number, TimelinePoint>();
  for (const r of results) {
    const shift = Math.round((Date.parse(r.startedAt) - startMs) / 1000);
    for (const p of r.timeline) {
      const t = p.t + shift;
      const into = timeline.get(t);
      if (into === undefined) {
        timeline.set(t, { ...p, t, buckets: [...p.buckets] });
        continue;
      }
      into.requests += p.requests;
      into.errors += p.errors;
      into.dropped += p.dropped;
      into.scheduled += p.scheduled;
      into.p50 = Math.max(into.p50, p.p50);
      into.p95 = Math.max(into.p95, p.p95);
      into.p99 = Math.max(into.p99, p.p99);
      into.max = Math.max(into.max, p.max);
      into.activeVUs += p.activeVUs;
      into.buckets = into.buckets.map((b, i) => b + (p.buckets[i] ?? 0));
    }
  }
  const last = Math.max(...timeline.keys());
  const points: TimelinePoint[] = [];
  for (let t = 0; t <= last; t++) {
    points.push(timeline.get(t) ?? emptyPoint(t, 0));
  }
  const sum = (f: (r: RunResult) => number): number => results.reduce((t, r) => t + f(r), 0);
  const statusCounts: Record<string, number> = {};
  for (const r of results)
    for (const [k, v] of Object.entries(r.statusCounts)) statusCounts[k] = (statusCounts[k] ?? 0) + v;
  const errors = Object.fromEntries(
    ERROR_KINDS.map((k) => [k, sum((r) => r.errors[k] ?? 0)]),
  ) as RunResult['errors'];
  const durationSeconds = round3((endMs - startMs) / 1000);
  const requests = sum((r) => r.requests);
  const intended = results.every((r) => r.intendedRate === null)
    ? null
    : round3(sum((r) => r.intendedRate ?? 0));
  return {
    engine: head.engine,
    engineVersion: `${head.engineVersion} [merged from ${results.length}]`,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(endMs).toISOString(),
    durationSeconds,
    requests,
    iterations: sum((r) => r.iterations),
    items: sum((r) => r.items),
    statusCounts,
    errors,
    intendedRate: intended,
    achievedRate: durationSeconds > 0 ? round3(requests / durationSeconds) : 0,
    droppedIterations: sum((r) => r.droppedIterations),
    latency: exactMax(summarize(whole), Math.max(...results.map((r) => r.latency.max))),
    histogram: encodeHistogram(whole),
    timeline: points,
    aborted: results.map((r) => r.aborted).find((a) => a !== null) ?? null,
  };
}
