import client from 'prom-client';
import { CellHistogram } from '../observability/cell-histogram.js';
import { STAGE_BUCKETS } from '../observability/pipeline-metrics.js';
import type { IntakeStats } from './intake-stats.js';

/**
 * The API server's own metrics, added to the pipeline's registry: intake requests by result, queue refusals,
 * request latency and rate, and `http_request_duration_seconds`. Reset with the registry.
 */
export class IntakeMetrics {
  readonly queueRejections: client.Counter<'reason'>;
  readonly httpDuration: CellHistogram<'method' | 'route' | 'status_code'>;

  constructor(registry: client.Registry, stats: IntakeStats) {
    const registers = [registry];
    // Counted by IntakeStats on every request anyway; copied here at scrape time instead of counted twice.
    new client.Counter({
      name: 'terrafix_requests_total',
      help: 'Intake requests (/webhook, /batch) by result',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(stats.countsByResult())) this.inc({ status }, n);
      },
    });
    this.queueRejections = new client.Counter({
      name: 'terrafix_queue_rejections_total',
      help: 'Requests refused by the bounded queue',
      labelNames: ['reason'],
      registers,
    });
    new client.Gauge({
      name: 'terrafix_request_latency_ms',
      help: 'Intake request latency percentiles since the last reset, in milliseconds',
      labelNames: ['quantile'],
      registers,
      collect() {
        const l = stats.latencySummary();
        for (const [q, v] of Object.entries({ '0.5': l.p50, '0.9': l.p90, '0.95': l.p95, '0.99': l.p99 }))
          this.set({ quantile: q }, v);
      },
    });
    new client.Gauge({
      name: 'terrafix_requests_per_second',
      help: 'Intake requests per second over a 10 s sliding window',
      registers,
      collect() {
        this.set(Math.round(stats.currentRate() * 100) / 100);
      },
    });
    this.httpDuration = new CellHistogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: STAGE_BUCKETS,
    });
    registry.registerMetric(this.httpDuration as unknown as client.Metric);
  }

  /** One answered HTTP request in `http_request_duration_seconds`. */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.cell(method, route, String(statusCode)).observe(seconds);
  }
}
