/**
 * k6's `--out json` stream (NDJSON: one `Metric` declaration or `Point` sample per line) turned into a RunResult.
 * Pure, no I/O: K6Engine feeds lines while k6 writes them, so progress and stop checks see live seconds.
 *
 * Known difference from the built-in engine: k6 reports each request's own duration (http_req_duration), not
 * the latency from the iteration's scheduled start. When an arrival-rate run outgrows its VUs, k6 does not
 * start the late iteration late, it drops it (dropped_iterations), so queueing shows up as drops here, never
 * as latency. The result says so in `engineVersion`.
 */
import type { LoadShape } from '../profiles/schema.js';
import { intendedRate, SCENARIO } from '../k6/options.js';
import {
  ERROR_KINDS,
  type ErrorKind,
  LATENCY_BUCKETS_MS,
  type RunResult,
  type TimelinePoint,
} from '../results/run-result.js';
import { statusErrorKind } from './error-kind.js';
import {
  encodeHistogram,
  type Histogram,
  newHistogram,
  percentileMs,
  summarize,
  toMicros,
} from './latency.js';

export const K6_LATENCY_NOTE = 'latency: per-request http_req_duration, queueing shows as dropped iterations';

/** Metrics the script emits itself (experiments/k6/terrafix.ts). */
export const K6_CUSTOM_METRICS = {
  /** Items beyond one per request (current script). */
  extraItems: 'terrafix_extra_items',
  /** All items (scripts before the NDJSON was trimmed; still read). */
  items: 'terrafix_items',
  capped: 'terrafix_capped',
  loadStart: 'terrafix_load_start',
};

const LOAD_ENDPOINTS = new Set(['webhook', 'batch']);

export interface K6Sample {
  metric: string;
  /** Epoch milliseconds. */
  timeMs: number;
  value: number;
  tags: Record<string, string>;
}

/** The metrics the conversion reads: k6 writes about a dozen samples per request, most of them of other metrics. */
const READ_METRICS = new Set<string>([
  'http_reqs',
  'http_req_duration',
  'iterations',
  'dropped_iterations',
  'vus',
  ...Object.values(K6_CUSTOM_METRICS),
]);
/** How k6's json output starts every sample line: `{"metric":"<name>","type":"Point","data":...}`. */
const POINT_PREFIX = '{"metric":"';

/**
 * A `Point` line as a sample; null for declarations, blank lines and samples of metrics the conversion does not
 * read (recognised by the line's start and skipped unparsed, which saves most of the parsing); 'malformed' for
 * anything unreadable.
 */
export function parseNdjsonLine(line: string): K6Sample | null | 'malformed' {
  if (line.startsWith(POINT_PREFIX)) {
    const end = line.indexOf('"', POINT_PREFIX.length);
    if (end > 0 && !READ_METRICS.has(line.slice(POINT_PREFIX.length, end))) return null;
  }
  if (line.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'malformed';
  }
  if (!isRecord(value)) return 'malformed';
  if (value['type'] !== 'Point') return null;
  const data = value['data'];
  const metric = value['metric'];
  if (!isRecord(data) || typeof metric !== 'string' || typeof data['value'] !== 'number') return 'malformed';
  const timeMs = typeof data['time'] === 'string' ? Date.parse(data['time']) : NaN;
  if (Number.isNaN(timeMs)) return 'malformed';
  const tags: Record<string, string> = {};
  if (isRecord(data['tags']))
    for (const [k, v] of Object.entries(data['tags'])) if (typeof v === 'string') tags[k] = v;
  return { metric, timeMs, value: data['value'], tags };
}

/**
 * Error kind of one k6 request: by status when there is a response, else (status 0) by k6's error_code tag:
 * 1050 request timeout; DNS, TCP (including dial timeouts), TLS, HTTP/2 and non-TCP network errors are
 * connection errors; a missing code still means no response.
 */
export function k6ErrorKind(status: number, errorCode: string | undefined): ErrorKind | null {
  if (status !== 0) return statusErrorKind(status);
  if (errorCode === undefined || errorCode === '') return 'connection';
  const code = Number(errorCode);
  if (code === 1050) return 'timeout';
  if (code === 1010 || (code >= 1100 && code < 1400) || (code >= 1600 && code < 1700)) return 'connection';
  return 'other';
}

class SecondStats {
  requests = 0;
  errors = 0;
  dropped = 0;
  maxMs = 0;
  vus: number | undefined;
  vusTime = -Infinity;
  readonly buckets: number[] = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  /** Set once the second is settled; later samples still add counts, not quantiles. */
  point: TimelinePoint | undefined;
  constructor(public histogram: Histogram | undefined) {}
}

export interface K6ResultContext {
  load: LoadShape;
  /** First line of `k6 version`. */
  k6Version: string;
  /** Start to report when the stream holds no sample at all. */
  fallbackStart: Date;
  aborted: string | null;
}

/** Accumulates samples; hands out settled seconds while the run goes, and the RunResult at the end. */
export class K6RunAccumulator {
  readonly whole = newHistogram();
  requests = 0;
  completedIterations = 0;
  cappedIterations = 0;
  private legacyItems: number | undefined;
  private extraItems = 0;
  dropped = 0;
  malformedLines = 0;
  readonly statusCounts = new Map<string, number>();
  readonly errors = Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<ErrorKind, number>;
  private anchorMs: number | undefined;
  private lastTimeMs = -Infinity;
  private lastSecond = -1;
  private nextToSettle = 0;
  private carriedVus = 0;
  private readonly seconds = new Map<number, SecondStats>();
  private readonly spare: Histogram[] = [];

  /** Failure records sent: one per request plus the batches' extra ones (or the older script's own count). */
  get items(): number {
    return this.legacyItems ?? this.requests + this.extraItems;
  }

  /** Where the load started (epoch ms): the script's marker, else the first load sample; undefined before. */
  loadStartMs(): number | undefined {
    return this.anchorMs;
  }

  /** Feeds one NDJSON line. */
  addLine(line: string): void {
    const sample = parseNdjsonLine(line);
    if (sample === 'malformed') this.malformedLines++;
    else if (sample !== null) this.addSample(sample);
  }

  /** Feeds one sample; samples that are not about the load (setup's readiness probe, other metrics) are ignored. */
  addSample(s: K6Sample): void {
    if (s.metric === K6_CUSTOM_METRICS.loadStart) {
      this.anchorMs ??= s.timeMs;
      return;
    }
    if (s.metric === 'vus') {
      if (this.anchorMs === undefined) this.carriedVus = s.value;
      else this.recordVus(s);
      return;
    }
    if (!this.isLoadSample(s)) return;
    // Without the setup marker (another script, a lost line) the first load sample is the best guess; k6
    // writes http_reqs before http_req_duration, so that is usually the first request's end.
    this.anchorMs ??= s.timeMs - (s.metric === 'http_req_duration' ? s.value : 0);
    const stats = this.statsAt(s.timeMs);
    switch (s.metric) {
      case 'http_reqs': {
        const status = s.tags['status'] ?? '0';
        this.requests += s.value;
        stats.requests += s.value;
        this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + s.value);
        const kind = k6ErrorKind(Number(status) || 0, s.tags['error_code']);
        if (kind !== null) {
          this.errors[kind] += s.value;
          stats.errors += s.value;
        }
        break;
      }
      case 'http_req_duration': {
        const us = toMicros(s.value);
        this.whole.recordValue(us);
        stats.histogram?.recordValue(us);
        stats.maxMs = Math.max(stats.maxMs, s.value);
        let b = 0;
        while (b < LATENCY_BUCKETS_MS.length && s.value > LATENCY_BUCKETS_MS[b]!) b++;
        stats.buckets[b]!++;
        break;
      }
      case 'iterations':
        this.completedIterations += s.value;
        break;
      case 'dropped_iterations':
        this.dropped += s.value;
        stats.dropped += s.value;
        break;
      case K6_CUSTOM_METRICS.items:
        this.legacyItems = (this.legacyItems ?? 0) + s.value;
        break;
      case K6_CUSTOM_METRICS.extraItems:
        this.extraItems += s.value;
        break;
      case K6_CUSTOM_METRICS.capped:
        this.cappedIterations += s.value;
        break;
    }
    if (stats.point !== undefined) this.refreshSettled(stats);
  }

  /** Seconds at least `lagSeconds` older than the newest sample, not handed out before (for live progress). */
  takeSettledSeconds(lagSeconds = 2): TimelinePoint[] {
    return this.settleUpTo(this.lastSecond - lagSeconds);
  }

  /** The RunResult; settles every remaining second. */
  toRunResult(ctx: K6ResultContext): RunResult {
    this.settleUpTo(this.lastSecond);
    const timeline: TimelinePoint[] = [];
    for (let t = 0; t <= this.lastSecond; t++) timeline.push(this.seconds.get(t)!.point!);
    const startMs = this.anchorMs ?? ctx.fallbackStart.getTime();
    const endMs = Math.max(startMs, this.lastTimeMs);
    const durationSeconds = round3((endMs - startMs) / 1000);
    const intended = intendedRate(ctx.load);
    const statusCounts: Record<string, number> = {};
    this.statusCounts.forEach((count, status) => (statusCounts[status] = count));
    return {
      engine: 'k6',
      engineVersion: `${ctx.k6Version} [${K6_LATENCY_NOTE}]`,
      startedAt: new Date(startMs).toISOString(),
      endedAt: new Date(endMs).toISOString(),
      durationSeconds,
      requests: this.requests,
      // Iterations cut short by maxRequests send nothing, so they do not count as iterations of the run.
      iterations: Math.max(0, this.completedIterations - this.cappedIterations),
      items: this.items,
      statusCounts,
      errors: { ...this.errors },
      intendedRate: intended === null ? null : round3(intended),
      achievedRate: durationSeconds > 0 ? round3(this.requests / durationSeconds) : 0,
      droppedIterations: this.dropped,
      latency: summarize(this.whole),
      histogram: encodeHistogram(this.whole),
      timeline,
      aborted: ctx.aborted,
    };
  }

  private isLoadSample(s: K6Sample): boolean {
    switch (s.metric) {
      case 'http_reqs':
      case 'http_req_duration': {
        // setup()'s readiness probe runs outside the scenario (no scenario tag); older scripts tagged endpoints.
        const endpoint = s.tags['endpoint'];
        return endpoint === undefined ? s.tags['scenario'] === SCENARIO : LOAD_ENDPOINTS.has(endpoint);
      }
      case 'iterations':
      case 'dropped_iterations':
        return s.tags['scenario'] === undefined || s.tags['scenario'] === SCENARIO;
      case K6_CUSTOM_METRICS.items:
      case K6_CUSTOM_METRICS.extraItems:
      case K6_CUSTOM_METRICS.capped:
        return true;
      default:
        return false;
    }
  }

  private recordVus(s: K6Sample): void {
    const stats = this.statsAt(s.timeMs, false);
    if (s.timeMs >= stats.vusTime) {
      stats.vus = s.value;
      stats.vusTime = s.timeMs;
      if (stats.point !== undefined) stats.point.activeVUs = s.value;
    }
  }

  /** The second `timeMs` falls in; only load samples extend the run (k6 keeps sampling vus after it). */
  private statsAt(timeMs: number, extendsRun = true): SecondStats {
    // Samples stamped before the load start (clock granularity) belong to its first second.
    const sec = Math.max(0, Math.floor((timeMs - (this.anchorMs ?? timeMs)) / 1000));
    if (extendsRun) {
      this.lastTimeMs = Math.max(this.lastTimeMs, timeMs);
      this.lastSecond = Math.max(this.lastSecond, sec);
    }
    let stats = this.seconds.get(sec);
    if (stats === undefined) {
      // Every second before nextToSettle already has its entry, so a new one is always unsettled.
      stats = new SecondStats(this.spare.pop() ?? newHistogram());
      this.seconds.set(sec, stats);
    }
    return stats;
  }

  private settleUpTo(last: number): TimelinePoint[] {
    const points: TimelinePoint[] = [];
    for (; this.nextToSettle <= last; this.nextToSettle++) {
      const t = this.nextToSettle;
      let stats = this.seconds.get(t);
      if (stats === undefined) {
        stats = new SecondStats(undefined);
        this.seconds.set(t, stats);
      }
      // A second without a vus sample keeps the previous second's count.
      if (stats.vus !== undefined) this.carriedVus = stats.vus;
      stats.point = this.pointOf(t, stats);
      if (stats.histogram !== undefined) {
        stats.histogram.reset();
        this.spare.push(stats.histogram);
        stats.histogram = undefined;
      }
      points.push(stats.point);
    }
    return points;
  }

  private pointOf(t: number, s: SecondStats): TimelinePoint {
    const h = s.histogram;
    return {
      t,
      requests: s.requests,
      errors: s.errors,
      dropped: s.dropped,
      scheduled: s.requests + s.dropped,
      p50: h === undefined ? 0 : percentileMs(h, 50),
      p95: h === undefined ? 0 : percentileMs(h, 95),
      p99: h === undefined ? 0 : percentileMs(h, 99),
      max: round3(s.maxMs),
      activeVUs: s.vus ?? this.carriedVus,
      buckets: s.buckets,
    };
  }

  /** A sample arrived for a second already handed out: counts and max follow, quantiles stay as settled. */
  private refreshSettled(s: SecondStats): void {
    const p = s.point!;
    p.requests = s.requests;
    p.errors = s.errors;
    p.dropped = s.dropped;
    p.scheduled = s.requests + s.dropped;
    p.max = round3(s.maxMs);
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
