/**
 * The API server outside mock mode. Signed webhooks go onto the shared BullMQ queue that `serve` replicas work
 * (src/service/failure-queue.ts: job id = failure key), so a failure pushed here and polled by `serve` is run once
 * and opens one PR. With TERRAFIX_API_PROCESS=true this process works the queue too, over composeReal and the same
 * PR caps as `serve`; otherwise it only enqueues (the deployment's API server, which holds no adapter credentials).
 * Loaded on use: BullMQ, the AWS SDK and Octokit stay out of mock mode's start-up.
 */
import { MappedRepoResolver } from '../adapters/repo-mapping/resolver.js';
import { CLAIM_LEASE_SECONDS, MAX_ATTEMPTS } from '../composition/pipeline.js';
import { composeReal } from '../composition/real.js';
import { type ApiServerConfig, requireWebhookSecret } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { loadRealAdaptersConfig } from '../config/real-mode.js';
import { loadServiceConfig, type ServiceConfig } from '../config/service.js';
import { AdapterMetrics } from '../observability/adapter-metrics.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { PipelineMetrics } from '../observability/pipeline-metrics.js';
import { type Failure, failureKey } from '../pipeline/failure.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import type { BullmqJobQueue } from '../queue/bullmq-queue.js';
import type { JobQueue } from '../queue/port.js';
import { cappedHandler } from '../service/capped-handler.js';
import { FolderDryRunPublisher } from '../service/dry-run-folder.js';
import { createFailureQueue } from '../service/failure-queue.js';
import { createStateStore } from '../state/create-store.js';
import { closeRedisClient, createRedisClient } from '../state/redis-client.js';
import { RedisPrLedger } from '../state/redis-pr-ledger.js';
import { RedisVantaTokenStore } from '../state/redis-vanta-token.js';
import { failureOf, type QueuedFailure } from './queued-failure.js';
import type { RuntimeOverrides } from './runtime-for-config.js';
import { createApiRuntime } from './runtime.js';
import type { ApiRuntime } from './runtime-types.js';

/** The shared queue seen through the API server's port: validated bodies become failure records at submit. */
function acceptingBodies(
  queue: BullmqJobQueue<Failure, ProcessResult>,
): JobQueue<QueuedFailure, ProcessResult> {
  return {
    submit: (payloads) => queue.submit(payloads.map(failureOf)),
    get: (id) => queue.get(id),
    wait: (id) => queue.wait(id),
    stats: () => queue.stats(),
    resize: (sizing) => queue.resize(sizing),
    drain: () => queue.drain(),
  };
}

/** Real mode's runtime; a missing webhook secret or adapter variable is a TFX_CONFIG error naming it. */
export async function createRealRuntime(
  config: ApiServerConfig,
  env: Env,
  overrides: RuntimeOverrides,
): Promise<ApiRuntime> {
  requireWebhookSecret(config);
  const loaded = loadServiceConfig(env);
  const service: ServiceConfig = {
    ...loaded,
    ...(overrides.redisKeyPrefix === undefined ? {} : { redisPrefix: overrides.redisKeyPrefix }),
  };
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const metrics = new PipelineMetrics();
  const shared = { ...config, redisUrl: service.redisUrl, retentionSeconds: service.retentionSeconds };
  if (!config.processJobs) {
    const state = createStateStore({
      redisUrl: service.redisUrl,
      keyPrefix: service.redisPrefix,
      retentionSeconds: service.retentionSeconds,
      claimLeaseSeconds: CLAIM_LEASE_SECONDS,
      maxAttempts: MAX_ATTEMPTS,
    });
    const queue = createFailureQueue({ config: service, logger });
    return createApiRuntime({
      config: shared,
      logger,
      metrics,
      composition: {
        state,
        stateBackend: 'redis',
        close: async () => {
          await Promise.allSettled([queue.close(), state.close()]);
        },
      },
      queue: () => acceptingBodies(queue),
    });
  }
  return workingRuntime(shared, env, service, logger, metrics, overrides);
}

/** TERRAFIX_API_PROCESS=true: the real pipeline behind the PR caps, working the shared queue like a replica. */
async function workingRuntime(
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
  const auth = adapters.vanta.auth;
  const real = composeReal(
    { ...config, ...adapters },
    {
      logger,
      observer: metrics.observer,
      adapterMetrics: new AdapterMetrics(metrics.registry),
      redisKeyPrefix: service.redisPrefix,
      // The same Vanta token as the `serve` replicas (Vanta keeps one active token per application).
      ...(auth.kind === 'client_credentials'
        ? { vantaToken: new RedisVantaTokenStore(redis, service.redisPrefix, auth.clientId) }
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
    run: (failure, signal) => cappedHandler({ ...caps, signal })(failure, failureKey(failure)),
    queue: (handler) => {
      queue = createFailureQueue({ config: service, logger, handler });
      return acceptingBodies(queue);
    },
  });
}
