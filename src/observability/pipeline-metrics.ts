import client from 'prom-client';
import type { ProcessResult } from '../pipeline/outcome.js';
import type { PipelineObserver } from '../pipeline/observer.js';
import type { ModelUsage } from '../pipeline/ports.js';
import { type ExternalStage, isExternalStage, type Stage, STAGES, TOTAL_STAGE } from '../pipeline/stages.js';

/** Seconds buckets from 0.5 ms to 60 s: covers a cached parse and a slow model call. */
export const STAGE_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** What the queue gauges read at scrape time (the queue port's stats, or a service's own). */
export type QueueGaugeSource = () => Promise<{ depth: number; active: number }>;

/**
 * The pipeline's metrics in one prom-client registry per app instance, under the product guide's names
 * (`failures_processed_total`, `queue_depth`, ...). Built without any server: the API server adds its intake
 * metrics to the same registry (api-server/intake-metrics.ts), a health server can expose it as it is.
 */
export class PipelineMetrics {
  readonly registry = new client.Registry();
  readonly failuresProcessed: client.Counter;
  readonly failuresSuccessful: client.Counter;
  readonly failuresSkipped: client.Counter;
  readonly failuresFailed: client.Counter<'code'>;
  readonly prsCreated: client.Counter;
  readonly apiErrors: client.Counter<'service'>;
  readonly retries: client.Counter<'stage'>;
  readonly dedupHits: client.Counter;
  readonly unmapped: client.Counter;
  readonly injectedFaults: client.Counter<'stage' | 'kind'>;
  readonly modelTokens: client.Counter<'direction'>;
  readonly modelCostUsd: client.Counter;
  private readonly stageHistogram: client.Histogram<'stage'>;
  private stageChildren: Map<string, client.Histogram.Internal<'stage'>>;
  private readonly failedChildren = new Map<string, client.Counter.Internal>();
  private queue: QueueGaugeSource = () => Promise.resolve({ depth: 0, active: 0 });

  constructor() {
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
      'Failures skipped (duplicate, no longer failing, or no repository mapped)',
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
    this.unmapped = counter(
      'terrafix_failures_unmapped_total',
      'Failures skipped because no GITHUB_REPO_MAPPING entry covers their resource',
    );
    this.injectedFaults = counter(
      'terrafix_injected_faults_total',
      'Faults injected in mock mode, by stage and kind',
      ['stage', 'kind'],
    );
    this.modelTokens = counter(
      'terrafix_model_tokens_total',
      'Model tokens used, by direction (input, output); rejected answers included',
      ['direction'],
    );
    this.modelCostUsd = counter(
      'terrafix_model_cost_usd_total',
      'Model cost in USD by the configured price table (calls of unpriced models add nothing)',
    );
    const queue = () => this.queue();
    new client.Gauge({
      name: 'queue_depth',
      help: 'Failures waiting for a worker',
      registers,
      async collect() {
        this.set((await queue()).depth);
      },
    });
    new client.Gauge({
      name: 'active_workers',
      help: 'Workers processing a failure',
      registers,
      async collect() {
        this.set((await queue()).active);
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
    modelUsage: (usage: ModelUsage) => {
      this.modelTokens.inc({ direction: 'input' }, usage.inputTokens);
      this.modelTokens.inc({ direction: 'output' }, usage.outputTokens);
      if (usage.costUsd !== undefined) this.modelCostUsd.inc(usage.costUsd);
    },
  };

  /** Where `queue_depth` and `active_workers` are read from at scrape time (zero until set). */
  trackQueue(source: QueueGaugeSource): void {
    this.queue = source;
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
      case 'skipped_unmapped':
        this.unmapped.inc();
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
