/**
 * composeReal as every process that runs jobs from the shared queue has it (`serve` replicas and the real-mode API
 * server with TERRAFIX_API_PROCESS=true): one Vanta token shared through Redis, faults counted, DRY_RUN's folder in
 * place of the publisher, and what the PR-capped handler needs.
 */
import { MappedRepoResolver } from '../adapters/repo-mapping/resolver.js';
import {
  composeReal,
  type RealComposition,
  type RealConfig,
  type RealOverrides,
} from '../composition/real.js';
import type { ServiceConfig } from '../config/service.js';
import { AdapterMetrics } from '../observability/adapter-metrics.js';
import type { Logger } from '../observability/logger.js';
import type { PipelineMetrics } from '../observability/pipeline-metrics.js';
import type { PipelineObserver } from '../pipeline/observer.js';
import type { Sleep } from '../pipeline/retry.js';
import { createRedisClient, type RedisClient } from '../state/redis-client.js';
import { RedisPrLedger } from '../state/redis-pr-ledger.js';
import { RedisVantaTokenStore } from '../state/redis-vanta-token.js';
import type { CappedHandlerDeps } from './capped-handler.js';
import { FolderDryRunPublisher } from './dry-run-folder.js';

export interface WorkerEnvironment {
  logger: Logger;
  metrics: PipelineMetrics;
  /** Defaults to metrics.observer. */
  observer?: PipelineObserver;
  sleep?: Sleep;
}

export interface WorkerComposition {
  real: RealComposition;
  /** The worker's own Redis connection (token store, PR ledger); closing it is the caller's. */
  redis: RedisClient;
  /** cappedHandler's dependencies but the per-run ones (signal, deferral counter). */
  handlerDeps: Omit<CappedHandlerDeps, 'signal' | 'onDeferred'>;
}

export function composeWorker(
  config: RealConfig,
  service: ServiceConfig,
  env: WorkerEnvironment,
  overrides: RealOverrides = {},
): WorkerComposition {
  const { logger, metrics } = env;
  const folder = service.dryRun.enabled ? new FolderDryRunPublisher(service.dryRun.dir) : undefined;
  const redis = createRedisClient(service.redisUrl);
  const auth = config.vanta.auth;
  const real = composeReal(
    config,
    {
      logger,
      observer: env.observer ?? metrics.observer,
      adapterMetrics: new AdapterMetrics(metrics.registry),
      redisKeyPrefix: service.redisPrefix,
      // One Vanta token for all replicas (Vanta keeps one active token per application).
      ...(auth.kind === 'client_credentials'
        ? { vantaToken: new RedisVantaTokenStore(redis, service.redisPrefix, auth.clientId) }
        : {}),
      onInjected: (stage, kind) => metrics.injectedFaults.inc({ stage, kind }),
      ...(env.sleep === undefined ? {} : { sleep: env.sleep }),
    },
    {
      ...overrides,
      adapters: (a) => {
        const wrapped = overrides.adapters?.(a) ?? a;
        return folder === undefined ? wrapped : { ...wrapped, publisher: folder };
      },
    },
  );
  return {
    real,
    redis,
    handlerDeps: {
      pipeline: real.pipeline,
      resolver: new MappedRepoResolver(config.mapping),
      ledger: new RedisPrLedger(redis, service.redisPrefix),
      caps: service.caps,
      openCapRetryMs: Math.min(service.pollIntervalMs, 60_000),
      logger,
    },
  };
}
