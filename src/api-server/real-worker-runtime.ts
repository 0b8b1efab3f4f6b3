/**
 * The real-mode API server that works the shared queue too (TERRAFIX_API_PROCESS=true): composeReal behind the same
 * PR caps as `serve`, like a replica without the poller. Its own module so an intake never loads the adapters' SDKs.
 */
import { MappedRepoResolver } from '../adapters/repo-mapping/resolver.js';
import { composeReal } from '../composition/real.js';
import type { ApiServerConfig } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { loadRealAdaptersConfig } from '../config/real-mode.js';
import type { ServiceConfig } from '../config/service.js';
import { AdapterMetrics } from '../observability/adapter-metrics.js';
import type { Logger } from '../observability/logger.js';
import type { PipelineMetrics } from '../observability/pipeline-metrics.js';
import { type Failure, failureKey } from '../pipeline/failure.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import type { BullmqJobQueue } from '../queue/bullmq-queue.js';
import { cappedHandler } from '../service/capped-handler.js';
import { FolderDryRunPublisher } from '../service/dry-run-folder.js';
import { createFailureQueue } from '../service/failure-queue.js';
import { closeRedisClient, createRedisClient } from '../state/redis-client.js';
import { RedisPrLedger } from '../state/redis-pr-ledger.js';
import { RedisVantaTokenStore } from '../state/redis-vanta-token.js';
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
  const folder = service.dryRun.enabled ? new FolderDryRunPublisher(service.dryRun.dir) : undefined;
  const redis = createRedisClient(service.redisUrl);
  const real = composeReal(
    { ...config, ...adapters },
    {
      logger,
      observer: metrics.observer,
      adapterMetrics: new AdapterMetrics(metrics.registry),
      redisKeyPrefix: service.redisPrefix,
      // The same Vanta token as the `serve` replicas (Vanta keeps one active token per application).
      ...(adapters.vanta.auth.kind === 'client_credentials'
        ? { vantaToken: new RedisVantaTokenStore(redis, service.redisPrefix, adapters.vanta.auth.clientId) }
        : {}),
      onInjected: (stage, kind) => metrics.injectedFaults.inc({ stage, kind }),
      ...(overrides.sleep === undefined ? {} : { sleep: overrides.sleep }),
    },
    {
      ...overrides.real,
      adapters: (a) => {
        const wrapped = overrides.real?.adapters?.(a) ?? a;
        return folder === undefined ? wrapped : { ...wrapped, publisher: folder };
      },
    },
  );
  const caps = {
    pipeline: real.pipeline,
    resolver: new MappedRepoResolver(adapters.mapping),
    ledger: new RedisPrLedger(redis, service.redisPrefix),
    caps: service.caps,
    openCapRetryMs: Math.min(service.pollIntervalMs, 60_000),
    logger,
  };
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
    run: (failure, signal, job) => cappedHandler({ ...caps, signal })(failure, failureKey(failure), job),
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
