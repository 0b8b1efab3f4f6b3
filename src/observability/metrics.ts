import client from 'prom-client';
import type { ProcessResult } from '../pipeline/outcome.js';
import { CellHistogram } from './cell-histogram.js';
import type { PipelineObserver } from '../pipeline/observer.js';
import { type ExternalStage, isExternalStage, type Stage, STAGES, TOTAL_STAGE } from '../pipeline/stages.js';

/** Seconds buckets from 0.5 ms to 60 s: covers a cached parse and a slow model call. */
const STAGE_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

export interface GaugeSources {
  queueDepth: () => number;
  activeWorkers: () => number;
  /** Intake requests by result since the last reset (`terrafix_requests_total`, read at scrape time). */
  requestCounts: () => Readonly<Record<string, number>>;
}

/**
 * One prom-client registry per app instance, holding the product guide's metric names
 * (`failures_processed_total`, `queue_depth`, ...) and the mock server's (`terrafix_requests_total`, ...).
 */
export class Metrics {
  readonly registry = new client.Registry();
  readonly failuresProcessed: client.Counter;
  readonly failuresSuccessful: client.Counter;
  readonly failuresSkipped: client.Counter;
  readonly failuresFailed: client.Counter<'code'>;
  readonly prsCreated: client.Counter;
  readonly apiErrors: client.Counter<'service'>;
  readonly retries: client.Counter<'stage'>;
  readonly dedupHits: client.Counter;
  readonly injectedFaults: client.Counter<'stage' | 'kind'>;
  readonly requests: client.Counter<'status'>;
  readonly queueRejections: client.Counter<'reason'>;
  readonly httpDuration: CellHistogram<'method' | 'route' | 'status_code'>;
  private readonly stageHistogram: client.Histogram<'stage'>;
  private stageChildren: Map<string, client.Histogram.Internal<'stage'>>;
  private readonly failedChildren = new Map<string, client.Counter.Internal>();

  constructor(gauges: GaugeSources, quantiles: () => Record<string, number>, rate: () => number) {
    const registers = [this.registry];
    const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
      new client.Counter<L>({ name, help, labelNames, registers });
    this.failuresProcessed = counter('failures_processed_total', 'Failures processed to an outcome');
    this.failuresSuccessful = counter(
      'failures_successful_total',
      'Failures remediated (PR opened or reused)',
    );
    this.failuresSkipped = counter(
      'failures_skipped_total',
      'Failures skipped (duplicate or no longer failing)',
    );
    this.failuresFailed = counter('failures_failed_total', 'Failures that ended in an error, by error code', [
      'code',
    ]);
    this.prsCreated = counter('prs_created_total', 'Pull requests created (not reused)');
    this.apiErrors = counter('api_errors_total', 'Errors returned by external services, by service', [
      'service',
    ]);
    this.retries = counter('retries_total', 'Retries of external calls, by stage', ['stage']);
    this.dedupHits = counter(
      'terrafix_dedup_hits_total',
      'Failures skipped because their key was already claimed or done',
    );
    this.injectedFaults = counter(
      'terrafix_injected_faults_total',
      'Faults injected in mock mode, by stage and kind',
      ['stage', 'kind'],
    );
    // Counted by IntakeStats on every request anyway; copied here at scrape time instead of counted twice.
    this.requests = new client.Counter({
      name: 'terrafix_requests_total',
      help: 'Intake requests (/webhook, /batch) by result',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(gauges.requestCounts())) this.inc({ status }, n);
      },
    });
    this.queueRejections = counter(
      'terrafix_queue_rejections_total',
      'Requests refused by the bounded queue',
      ['reason'],
    );
    new client.Gauge({
      name: 'queue_depth',
      help: 'Failures waiting for a worker',
      registers,
      collect() {
        this.set(gauges.queueDepth());
      },
    });
    new client.Gauge({
      name: 'active_workers',
      help: 'Workers processing a failure',
      registers,
      collect() {
        this.set(gauges.activeWorkers());
      },
    });
    new client.Gauge({
      name: 'terrafix_request_latency_ms',
      help: 'Intake request latency percentiles since the last reset, in milliseconds',
      labelNames: ['quantile'],
      registers,
      collect() {
        for (const [q, v] of Object.entries(quantiles())) this.set({ quantile: q }, v);
      },
    });
    new client.Gauge({
      name: 'terrafix_requests_per_second',
      help: 'Intake requests per second over a 10 s sliding window',
      registers,
      collect() {
        this.set(Math.round(rate() * 100) / 100);
      },
    });
    const stageHistogram = new client.Histogram<'stage'>({
      name: 'terrafix_stage_duration_seconds',
      help: 'Pipeline stage duration (fetch_vanta, clone_repo, parse_terraform, bedrock_inference, validate_fix, create_pr, total_processing)',
      labelNames: ['stage'],
      buckets: STAGE_BUCKETS,
      registers,
    });
    this.stageHistogram = stageHistogram;
    this.stageChildren = new Map();
    this.zeroStages();
    this.httpDuration = new CellHistogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: STAGE_BUCKETS,
    });
    this.registry.registerMetric(this.httpDuration as unknown as client.Metric);
    client.collectDefaultMetrics({ register: this.registry });
  }

  /** Pipeline events → metrics. */
  readonly observer: PipelineObserver = {
    stageFinished: (stage: Stage, ms: number, ok: boolean) => {
      this.stageChildren.get(stage)?.observe(ms / 1000);
      if (!ok && isExternalStage(stage)) this.apiErrors.inc({ service: SERVICE_OF[stage] });
    },
    retried: (stage: Stage) => this.retries.inc({ stage }),
    finished: (result: ProcessResult) => this.recordOutcome(result),
  };

  /** One answered HTTP request in `http_request_duration_seconds`. */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.cell(method, route, String(statusCode)).observe(seconds);
  }

  private recordOutcome(result: ProcessResult): void {
    this.failuresProcessed.inc();
    this.stageChildren.get(TOTAL_STAGE)?.observe((result.timings.total_processing ?? 0) / 1000);
    const { outcome } = result;
    switch (outcome.kind) {
      case 'completed':
        this.failuresSuccessful.inc();
        if (!outcome.reused) this.prsCreated.inc();
        return;
      case 'skipped_duplicate':
        this.dedupHits.inc();
        this.failuresSkipped.inc();
        return;
      case 'skipped_resolved':
        this.failuresSkipped.inc();
        return;
      case 'failed': {
        let child = this.failedChildren.get(outcome.code);
        if (child === undefined) {
          child = this.failuresFailed.labels(outcome.code);
          this.failedChildren.set(outcome.code, child);
        }
        child.inc();
        return;
      }
    }
  }

  /** Zeroes every metric (a counter reset, as Prometheus sees a restart). */
  reset(): void {
    this.registry.resetMetrics();
    this.failedChildren.clear();
    this.zeroStages();
  }

  /** Creates every stage's series (at zero) so a scrape shows all stages from the start, and caches the children. */
  private zeroStages(): void {
    for (const s of [...STAGES, TOTAL_STAGE]) this.stageHistogram.zero({ stage: s });
    this.stageChildren = new Map([...STAGES, TOTAL_STAGE].map((s) => [s, this.stageHistogram.labels(s)]));
  }
}

const SERVICE_OF: Record<ExternalStage, string> = {
  fetch_vanta: 'vanta',
  clone_repo: 'git',
  bedrock_inference: 'bedrock',
  create_pr: 'github',
};
