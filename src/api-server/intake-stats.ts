import { LatencyHistogram, type LatencySummary } from '../observability/latency-histogram.js';
import { RateWindow } from '../observability/rate-window.js';

export type RequestResult = 'success' | 'failed' | 'rejected' | 'throttled';

/** Counters behind `/status`: one entry per intake request (/webhook or /batch), bounded memory. */
export class IntakeStats {
  private counts: Record<RequestResult, number> = { success: 0, failed: 0, rejected: 0, throttled: 0 };
  private readonly latency = new LatencyHistogram();
  private readonly window: RateWindow;
  private startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.window = new RateWindow(10, now);
    this.startedAt = now();
  }

  record(result: RequestResult, ms: number): void {
    this.counts[result]++;
    this.latency.record(ms);
    this.window.add();
  }

  /** Requests by result since the last reset. */
  countsByResult(): Readonly<Record<RequestResult, number>> {
    return this.counts;
  }

  latencySummary(): LatencySummary {
    return this.latency.summary();
  }

  /** Requests per second over the last 10 s (the guide's field name, no longer a since-start average). */
  currentRate(): number {
    return this.window.perSecond(this.startedAt);
  }

  snapshot() {
    const total = this.counts.success + this.counts.failed + this.counts.rejected + this.counts.throttled;
    const uptime = (this.now() - this.startedAt) / 1000;
    const { count: _count, ...latency } = this.latency.summary();
    return {
      total_requests: total,
      successful_requests: this.counts.success,
      failed_requests: this.counts.failed,
      rejected_requests: this.counts.rejected,
      throttled_requests: this.counts.throttled,
      success_rate_percent: total === 0 ? 0 : Math.round((this.counts.success / total) * 10_000) / 100,
      uptime_seconds: Math.round(uptime * 1000) / 1000,
      requests_per_second: Math.round(this.currentRate() * 100) / 100,
      rate_window_seconds: 10,
      latency_ms: latency,
    };
  }

  reset(): void {
    this.counts = { success: 0, failed: 0, rejected: 0, throttled: 0 };
    this.latency.reset();
    this.window.reset();
    this.startedAt = this.now();
  }
}
