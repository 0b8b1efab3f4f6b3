/**
 * What every mode shares, built from one function of the configuration: parser, terraform gate, state store,
 * analyzer, retry policy and the pipeline over the adapters a mode brings (simulated.ts; real adapters later).
 */
import type { Logger } from 'pino';
import type { TerraformSettings } from '../config/api-server.js';
import { createHclAnalyzer } from '../hcl/analyzer.js';
import { createHclParser, type HclParser } from '../hcl/parser.js';
import { findTerraform } from '../hcl/terraform.js';
import { TerraformGate } from '../hcl/terraform-gate.js';
import type { PipelineObserver } from '../pipeline/observer.js';
import type {
  FailureSource,
  FixGenerator,
  PullRequestPublisher,
  RepoCheckout,
  RepoResolver,
} from '../pipeline/ports.js';
import { PendingRecords } from '../pipeline/pending-records.js';
import { createPipeline, type Pipeline } from '../pipeline/process-failure.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep } from '../pipeline/retry.js';
import type { StateStore } from '../pipeline/state-store.js';
import { createStateStore } from '../state/create-store.js';

/** The part of an entry point's configuration the shared pipeline reads (ApiServerConfig has it). */
export interface PipelineConfig {
  parse: { workers: number; cacheEnabled: boolean; cacheEntries: number };
  terraform: TerraformSettings;
  retentionSeconds: number;
  /** Records the in-memory state store keeps at most (no REDIS_URL). */
  memoryStateMax: number;
  redisUrl: string | undefined;
  /** State-store calls wait out an outage this long (TERRAFIX_STATE_STORE_DEADLINE_MS). */
  stateStoreDeadlineMs: number;
}

/** What the process around the pipeline provides: where logs and events go, and test seams. */
export interface PipelineEnvironment {
  logger: Logger;
  observer: PipelineObserver;
  /** Redis key prefix (tests isolate themselves with a random one). */
  redisKeyPrefix?: string;
  /** Replaces real waiting (retry backoff, injected latency) in tests. */
  sleep?: Sleep;
}

/** The external services a mode plugs in, each behind its port. */
export interface PipelineAdapters {
  source: FailureSource;
  resolver: RepoResolver;
  checkout: RepoCheckout;
  generator: FixGenerator;
  publisher: PullRequestPublisher;
}

export interface PipelineComposition {
  pipeline: Pipeline;
  parser: HclParser;
  state: StateStore;
  stateBackend: 'memory' | 'redis';
  terraform: TerraformGate;
  /** The retry policy in force (mock mode changes it at run time). */
  retry: { get(): RetryPolicy; set(policy: RetryPolicy): void };
  /** Releases the parser's workers and the state store's connection. */
  close(): Promise<void>;
}

/** Claims older than this are taken to belong to a crashed worker and may be taken again. */
export const CLAIM_LEASE_SECONDS = 900;
/** Attempts a retryable failure gets across resubmissions before it stays failed. */
export const MAX_ATTEMPTS = 3;

/** Builds the shared parts from `config` and runs the pipeline over `adapters`. */
export function composePipeline(
  config: PipelineConfig,
  adapters: PipelineAdapters,
  env: PipelineEnvironment,
): PipelineComposition {
  const parser = createHclParser(config.parse);
  const terraform = new TerraformGate(
    config.terraform.mode,
    config.terraform.mode === 'off'
      ? undefined
      : findTerraform(config.terraform.path, { env: config.terraform.env, logger: env.logger }),
    config.terraform.concurrency,
  );
  const state = createStateStore({
    redisUrl: config.redisUrl,
    keyPrefix: env.redisKeyPrefix,
    retentionSeconds: config.retentionSeconds,
    memoryMaxEntries: config.memoryStateMax,
    claimLeaseSeconds: CLAIM_LEASE_SECONDS,
    maxAttempts: MAX_ATTEMPTS,
  });
  let retryPolicy = DEFAULT_RETRY_POLICY;
  const pending = new PendingRecords(state, env.logger);
  const pipeline = createPipeline({
    stateDeadlineMs: config.stateStoreDeadlineMs,
    pending,
    ...adapters,
    analyzer: createHclAnalyzer({ parser, terraform }),
    state,
    retry: () => retryPolicy,
    observer: env.observer,
    logger: env.logger,
    ...(env.sleep === undefined ? {} : { sleep: env.sleep }),
  });
  return {
    pipeline,
    parser,
    state,
    stateBackend: config.redisUrl === undefined ? 'memory' : 'redis',
    terraform,
    retry: {
      get: () => retryPolicy,
      set: (policy) => {
        retryPolicy = policy;
      },
    },
    async close() {
      // Held PR records get one last chance while the store is still open.
      await pending.close();
      await Promise.allSettled([parser.close(), state.close()]);
    },
  };
}
