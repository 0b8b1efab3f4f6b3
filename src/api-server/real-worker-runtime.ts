/**
 * The real-mode API server that works the shared queue too (TERRAFIX_API_PROCESS=true): composeReal behind the same
 * PR caps as `serve`, like a replica without the poller. Its own module so an intake never loads the adapters' SDKs.
 */
import type { ApiServerConfig } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { loadRealAdaptersConfig } from '../config/real-mode.js';
import type { ServiceConfig } from '../config/service.js';
import type { Logger } from '../observability/logger.js';
import type { PipelineMetrics } from '../observability/pipeline-metrics.js';
import { type Failure, failureKey } from '../pipeline/failure.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import type { BullmqJobQueue } from '../queue/bullmq-queue.js';
import { cappedHandler } from '../service/capped-handler.js';
import { composeWorker } from '../service/compose-worker.js';
import { createFailureQueue } from '../service/failure-queue.js';
import { closeRedisClient } from '../state/redis-client.js';
import { acceptingBodies } from './shared-queue.js';
import type { RuntimeOverrides } from './runtime-for-config.js';
import { createApiRuntime } from './runtime.js';
import type { ApiRuntime } from './runtime-types.js';

/** The runtime of an API server that also runs jobs; `config` already points at the shared Redis. */
export async function createWorkingRuntime(
  config: ApiServerConfig,
  env: Env,
  service: ServiceConfig,
  logger: Logger,
  metrics: PipelineMetrics,
  overrides: RuntimeOverrides,
): Promise<ApiRuntime> {
  const adapters = loadRealAdaptersConfig(env);
  const { real, redis, handlerDeps } = composeWorker(
    { ...config, ...adapters },
    service,
    { logger, metrics, ...(overrides.sleep === undefined ? {} : { sleep: overrides.sleep }) },
    overrides.real,
  );
  let queue: BullmqJobQueue<Failure, ProcessResult> | undefined;
  return createApiRuntime({
    config,
    logger,
    metrics,
    composition: {
      ...real,
      close: async () => {
        await queue?.close();
        await Promise.allSettled([real.close(), closeRedisClient(redis)]);
      },
    },
    // A job resumed after its process died takes over that run's claim, as in `serve`.
    run: (failure, signal, job) =>
      cappedHandler({ ...handlerDeps, signal })(failure, failureKey(failure), job),
    queue: (handler) => {
      queue = createFailureQueue({
        config: service,
        logger,
        handler,
      });
      return acceptingBodies(queue);
    },
  });
}
