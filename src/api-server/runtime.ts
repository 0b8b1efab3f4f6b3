import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { PipelineComposition } from '../composition/pipeline.js';
import type { ApiServerConfig } from '../config/api-server.js';
import type { PipelineMetrics } from '../observability/pipeline-metrics.js';
import { TerraFixError } from '../pipeline/errors.js';
import type { Failure } from '../pipeline/failure.js';
import { type ProcessResult, thrownResult } from '../pipeline/outcome.js';
import { MemoryJobQueue } from '../queue/memory-queue.js';
import type { JobQueue } from '../queue/port.js';
import { IntakeMetrics } from './intake-metrics.js';
import { IntakeStats } from './intake-stats.js';
import { failureOf, type QueuedFailure, queuedFailureKey } from './queued-failure.js';
import type { MockControls } from '../contracts/mock-controls.js';
import type { ApiRuntime } from './runtime-types.js';

/** Runs one queued failure through the pipeline; what a queue implementation calls for each job. */
export type QueuedFailureHandler = (
  payload: QueuedFailure,
  jobId?: string,
  job?: JobRun,
) => Promise<ProcessResult>;

/** What a shared queue knows of a job's run: `resumed` after a stalled run of a dead process was put back. */
export interface JobRun {
  resumed: boolean;
}

/**
 * The composition a runtime stands on. Mock mode and a real-mode worker bring the whole pipeline; a real-mode intake
 * that only enqueues for `serve` brings the state store alone (and a queue that runs nothing here).
 */
export type RuntimeComposition = Pick<PipelineComposition, 'state' | 'stateBackend' | 'close'> &
  Partial<Pick<PipelineComposition, 'pipeline' | 'parser' | 'terraform'>>;

export interface ApiRuntimeParts {
  config: ApiServerConfig;
  logger: Logger;
  /** The pipeline's metrics; the runtime adds the intake metrics to their registry. */
  metrics: PipelineMetrics;
  composition: RuntimeComposition;
  /** What one job runs; default: the composition's pipeline (a real-mode worker puts the PR caps in front). */
  run?: (failure: Failure, signal: AbortSignal, job?: JobRun) => Promise<ProcessResult>;
  /** The queue in front of the pipeline; default: the in-memory queue sized by `config.queue`. */
  queue?: (
    handler: QueuedFailureHandler,
    onError: (error: unknown, payload: QueuedFailure) => ProcessResult,
  ) => JobQueue<QueuedFailure, ProcessResult>;
  /** Mock mode's `/configure` controls over the pipeline and the queue. */
  mock?: (queue: JobQueue<QueuedFailure, ProcessResult>) => MockControls;
}

/**
 * The API server's runtime over any pipeline: intake stats and metrics, the queue that feeds the pipeline, and
 * optional mock controls. Mode-independent; which pipeline and controls it gets is the composition's business.
 */
export async function createApiRuntime(parts: ApiRuntimeParts): Promise<ApiRuntime> {
  const { config, logger, metrics, composition } = parts;
  const stats = new IntakeStats();
  const intakeMetrics = new IntakeMetrics(metrics.registry, stats);
  // Aborted when a graceful shutdown runs out of time: in-flight jobs end (as failed, retryable) instead of
  // keeping the process alive on their timers.
  const shutdown = new AbortController();
  // Every retry backoff and injected delay of every running job listens on this one signal (each removes its
  // listener when done): hundreds at once are expected, not a leak, so no MaxListenersExceededWarning.
  setMaxListeners(0, shutdown.signal);
  const { pipeline, parser, terraform } = composition;
  const run =
    parts.run ??
    ((failure: Failure, signal: AbortSignal) => {
      if (pipeline === undefined)
        throw new TerraFixError('TFX_INTERNAL', 'this runtime runs no pipeline', { category: 'permanent' });
      return pipeline.process(failure, { signal });
    });
  const handler: QueuedFailureHandler = (payload, _jobId, job) =>
    run(failureOf(payload), shutdown.signal, job);
  // process() never throws; this keeps a bug from losing an accepted job's answer.
  const onError = (error: unknown, payload: QueuedFailure): ProcessResult =>
    thrownResult(queuedFailureKey(payload), error);
  const queue =
    parts.queue?.(handler, onError) ??
    new MemoryJobQueue<QueuedFailure, ProcessResult>({
      workers: config.queue.workers,
      limit: config.queue.limit,
      dispatchSlice: config.queue.dispatchSlice,
      handler,
      onError,
    });
  metrics.trackQueue(() => queue.stats());
  await parser?.warmUp();
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    metrics,
    intakeMetrics,
    stats,
    queue,
    state: composition.state,
    mock: parts.mock?.(queue),
    stateBackend: composition.stateBackend,
    terraform: () => terraform?.status() ?? { state: 'off' },
    parseCache: () => {
      if (parser === undefined) return { enabled: false, hits: 0, misses: 0, entries: 0 };
      const s = parser.stats();
      return { enabled: parser.cacheEnabled, hits: s.hits, misses: s.misses, entries: s.entries };
    },
    close() {
      closing ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs);
        });
        const drain = queue.drain();
        const drained = await Promise.race([drain.then(() => 'drained' as const), timedOut]);
        clearTimeout(timer);
        if (drained === 'timeout') {
          logger.error({ queue: await queue.stats() }, 'Drain timed out; aborting unfinished work');
          shutdown.abort(new TerraFixError('TFX_SHUTTING_DOWN', 'shutting down', { category: 'transient' }));
          await drain;
        }
        await composition.close();
      })();
      return closing;
    },
  };
}
