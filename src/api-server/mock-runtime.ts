import type { ApiServerConfig } from '../config/api-server.js';
import { createMockPipeline } from '../composition/mock-pipeline.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import { TerraFixError, toTerraFixError } from '../pipeline/errors.js';
import { failureOf, type QueuedFailure, queuedFailureKey } from './queued-failure.js';
import type { Sleep } from '../pipeline/retry.js';
import { MemoryJobQueue } from '../queue/memory-queue.js';
import { IntakeStats } from './intake-stats.js';
import { MockControlPanel } from '../simulation/controls.js';
import type { ApiRuntime } from './runtime-types.js';

export interface MockRuntimeOverrides {
  logger?: Logger;
  redisKeyPrefix?: string;
  sleep?: Sleep;
}

/** Composition root of the API server in mock mode: pipeline, queue, metrics, stats and the mock controls. */
export async function createMockRuntime(
  config: ApiServerConfig,
  overrides: MockRuntimeOverrides = {},
): Promise<ApiRuntime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const stats = new IntakeStats();
  const metrics = new Metrics(
    // Read at scrape time, after `queue` below exists.
    {
      queueDepth: () => queue.depth,
      activeWorkers: () => queue.active,
      requestCounts: () => stats.countsByResult(),
    },
    () => {
      const l = stats.latencySummary();
      return { '0.5': l.p50, '0.9': l.p90, '0.95': l.p95, '0.99': l.p99 };
    },
    () => stats.currentRate(),
  );
  const mock = createMockPipeline({
    logger,
    mock: config.mock,
    parse: config.parse,
    terraform: config.terraform,
    retentionSeconds: config.retentionSeconds,
    memoryStateMax: config.memoryStateMax,
    redisUrl: config.redisUrl,
    ...(overrides.redisKeyPrefix === undefined ? {} : { redisKeyPrefix: overrides.redisKeyPrefix }),
    ...(overrides.sleep === undefined ? {} : { sleep: overrides.sleep }),
    observer: metrics.observer,
    onInjected: (stage, kind) => metrics.injectedFaults.inc({ stage, kind }),
  });
  // Aborted when a graceful shutdown runs out of time: in-flight jobs end (as failed, retryable) instead of
  // keeping the process alive on their timers.
  const shutdown = new AbortController();
  const queue = new MemoryJobQueue<QueuedFailure, ProcessResult>({
    workers: config.queue.workers,
    limit: config.queue.limit,
    dispatchSlice: config.queue.dispatchSlice,
    handler: (payload) => mock.pipeline.process(failureOf(payload), { signal: shutdown.signal }),
    // process() never throws; this keeps a bug from losing an accepted job's answer.
    onError: (error, payload): ProcessResult => {
      const e = toTerraFixError(error);
      return {
        key: queuedFailureKey(payload),
        outcome: { kind: 'failed', code: e.code, category: e.category, stage: 'record', message: e.message },
        timings: {},
        retries: {},
      };
    },
  });
  const controls = new MockControlPanel(
    {
      injector: mock.injector,
      publisher: mock.publisher,
      sizing: () => queue.sizing,
      resize: (sizing) => queue.resize(sizing),
      parseCache: { get: () => mock.parser.cacheEnabled, set: (on) => mock.parser.setCacheEnabled(on) },
      retry: mock.retry,
    },
    config.mock,
  );
  await mock.parser.warmUp();
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    metrics,
    stats,
    queue,
    state: mock.state,
    mock: controls,
    stateBackend: mock.stateBackend,
    terraform: () => mock.terraform.status(),
    parseCache: () => {
      const s = mock.parser.stats();
      return { enabled: mock.parser.cacheEnabled, hits: s.hits, misses: s.misses, entries: s.entries };
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
          logger.error(
            { depth: queue.depth, active: queue.active },
            'Drain timed out; aborting unfinished work',
          );
          shutdown.abort(new TerraFixError('TFX_SHUTTING_DOWN', 'shutting down', { category: 'transient' }));
          await drain;
        }
        await mock.close();
      })();
      return closing;
    },
  };
}
