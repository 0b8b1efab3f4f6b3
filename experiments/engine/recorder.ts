/**
 * Everything a run counts: one histogram for the whole run plus per-second stats for the timeline. A request is
 * attributed to the second it completed in; scheduled and dropped iterations to the second they were due in.
 */
import {
  ERROR_KINDS,
  type ErrorKind,
  LATENCY_BUCKETS_MS,
  type TimelinePoint,
} from '../results/run-result.js';
import { type Histogram, newHistogram, percentileMs, toMicros } from './latency.js';

class SecondStats {
  requests = 0;
  errors = 0;
  dropped = 0;
  scheduled = 0;
  readonly buckets: number[] = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  constructor(readonly histogram: Histogram) {}
}

export class Recorder {
  readonly whole = newHistogram();
  /** Count per status code (index); 0 = no response (connection error, timeout), as k6 reports it. */
  readonly statusCounts = new Float64Array(1000);
  readonly errors: Record<ErrorKind, number> = Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<
    ErrorKind,
    number
  >;
  completed = 0;
  items = 0;
  droppedTotal = 0;
  private readonly seconds = new Map<number, SecondStats>();
  private readonly spareHistograms: Histogram[] = [];
  private nextToFlush = 0;
  private sealed = false;
  private lastSecond: number;
  // The second most requests land in, cached so the map is not consulted per request.
  private currentSec = -1;
  private current: SecondStats | undefined;

  /** `t0` is the load start (performance.now()); nothing is attributed past `lastSecond`. */
  constructor(
    private readonly t0: number,
    lastSecond: number,
  ) {
    this.lastSecond = lastSecond;
  }

  /** One finished exchange: `now` from performance.now(), latency in ms, status 0 when there was no response. */
  record(now: number, latencyMs: number, status: number, kind: ErrorKind | null, items: number): void {
    if (this.sealed) return;
    const stats = this.statsAt(this.secondOf(now));
    const us = toMicros(latencyMs);
    this.whole.recordValue(us);
    stats.histogram.recordValue(us);
    let b = 0;
    while (b < LATENCY_BUCKETS_MS.length && latencyMs > LATENCY_BUCKETS_MS[b]!) b++;
    stats.buckets[b]!++;
    stats.requests++;
    this.completed++;
    this.items += items;
    this.statusCounts[status < 1000 && status >= 0 ? status : 0]!++;
    if (kind !== null) {
      stats.errors++;
      this.errors[kind]++;
    }
  }

  /** An iteration due at `dueMs` (since t0) was offered to the VU pool. */
  scheduled(dueMs: number): void {
    this.statsAt(this.clamp(Math.floor(dueMs / 1000))).scheduled++;
  }

  /** An iteration due at `dueMs` found no free VU. */
  dropped(dueMs: number): void {
    this.statsAt(this.clamp(Math.floor(dueMs / 1000))).dropped++;
    this.droppedTotal++;
  }

  /** Ends the timeline at the second `now` falls in (an early stop): later completions count there. */
  truncateAt(now: number): void {
    this.lastSecond = Math.max(this.nextToFlush, this.secondOf(now));
  }

  /** Timeline points of all unflushed seconds before `endSecond` (never the last second: it may still grow). */
  flushBefore(endSecond: number, activeVUs: number): TimelinePoint[] {
    return this.flushUpTo(Math.min(endSecond, this.lastSecond) - 1, activeVUs);
  }

  /** Timeline points of every remaining second up to the last one; records arriving later are ignored. */
  flushAll(activeVUs: number): TimelinePoint[] {
    this.sealed = true;
    return this.flushUpTo(this.lastSecond, activeVUs);
  }

  private flushUpTo(last: number, activeVUs: number): TimelinePoint[] {
    const points: TimelinePoint[] = [];
    for (; this.nextToFlush <= last; this.nextToFlush++) {
      const t = this.nextToFlush;
      const s = this.seconds.get(t);
      if (s === undefined) {
        points.push(emptyPoint(t, activeVUs));
        continue;
      }
      const h = s.histogram;
      points.push({
        t,
        requests: s.requests,
        errors: s.errors,
        dropped: s.dropped,
        scheduled: s.scheduled,
        p50: percentileMs(h, 50),
        p95: percentileMs(h, 95),
        p99: percentileMs(h, 99),
        max: h.totalCount === 0 ? 0 : Math.round(h.maxValue) / 1000,
        activeVUs,
        buckets: s.buckets,
      });
      this.seconds.delete(t);
      if (this.currentSec === t) {
        this.currentSec = -1;
        this.current = undefined;
      }
      h.reset();
      this.spareHistograms.push(h);
    }
    return points;
  }

  private secondOf(now: number): number {
    return this.clamp(Math.floor((now - this.t0) / 1000));
  }

  private clamp(sec: number): number {
    // Before nextToFlush only if a timer ran late; the first open second is the honest place then.
    return sec > this.lastSecond ? this.lastSecond : sec < this.nextToFlush ? this.nextToFlush : sec;
  }

  private statsAt(sec: number): SecondStats {
    if (sec === this.currentSec && this.current !== undefined) return this.current;
    let s = this.seconds.get(sec);
    if (s === undefined) {
      s = new SecondStats(this.spareHistograms.pop() ?? newHistogram());
      this.seconds.set(sec, s);
    }
    if (sec >= this.currentSec) {
      this.currentSec = sec;
      this.current = s;
    }
    return s;
  }
}

/** A second in which nothing happened. */
export function emptyPoint(t: number, activeVUs: number): TimelinePoint {
  const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  return {
    t,
    requests: 0,
    errors: 0,
    dropped: 0,
    scheduled: 0,
    p50: 0,
    p95: 0,
    p99: 0,
    max: 0,
    activeVUs,
    buckets,
  };
}
