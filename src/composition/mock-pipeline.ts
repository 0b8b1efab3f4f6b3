import type { Logger } from 'pino';
import { SimulatedCheckout } from '../simulation/adapters/checkout.js';
import { SimulatedFailureSource } from '../simulation/adapters/failure-source.js';
import { SimulatedFixGenerator } from '../simulation/adapters/fix-generator.js';
import { SimulatedPublisher } from '../simulation/adapters/publisher.js';
import { SimulatedRepoResolver } from '../simulation/adapters/repo-resolver.js';
import type { TerraformSettings } from '../config/api-server.js';
import { FaultInjector, fromLegacy, withFaults } from '../faults/index.js';
import type { FaultKind } from '../faults/profile.js';
import { createHclAnalyzer } from '../hcl/analyzer.js';
import { createHclParser, type HclParser } from '../hcl/parser.js';
import { findTerraform } from '../hcl/terraform.js';
import { TerraformGate } from '../hcl/terraform-gate.js';
import type { PipelineObserver } from '../pipeline/observer.js';
import { createPipeline, type Pipeline } from '../pipeline/process-failure.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep } from '../pipeline/retry.js';
import type { ExternalStage } from '../pipeline/stages.js';
import { createStateStore } from '../state/create-store.js';
import type { StateStore } from '../pipeline/state-store.js';

export interface MockPipelineOptions {
  logger: Logger;
  mock: { latencyMs: number; failureRate: number; seed: number };
  parse: { workers: number; cacheEnabled: boolean; cacheEntries: number };
  terraform: TerraformSettings;
  retentionSeconds: number;
  /** Records the in-memory state store keeps at most. */
  memoryStateMax?: number;
  redisUrl?: string | undefined;
  /** Redis key prefix (tests isolate themselves with a random one). */
  redisKeyPrefix?: string;
  observer: PipelineObserver;
  onInjected?: (stage: ExternalStage, kind: FaultKind) => void;
  /** Replaces real waiting (retry backoff, injected latency) in tests. */
  sleep?: Sleep;
}

export interface MockPipeline {
  pipeline: Pipeline;
  injector: FaultInjector;
  publisher: SimulatedPublisher;
  parser: HclParser;
  state: StateStore;
  stateBackend: 'memory' | 'redis';
  terraform: TerraformGate;
  retry: { get(): RetryPolicy; set(policy: RetryPolicy): void };
  close(): Promise<void>;
}

/**
 * Composition root of mock mode: simulated Vanta, git, Bedrock and GitHub, each behind the fault decorator;
 * real parsing, locating, editing, validation, dedup and state.
 */
export function createMockPipeline(options: MockPipelineOptions): MockPipeline {
  const { logger } = options;
  const injector = new FaultInjector(
    fromLegacy(options.mock.latencyMs, options.mock.failureRate, options.mock.seed),
  );
  const faultOptions = {
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.onInjected === undefined ? {} : { onInjected: options.onInjected }),
  };
  // The simulated GitHub remembers as many open PRs as the state store remembers failures: memory stays bounded.
  const publisher = new SimulatedPublisher({
    logLimit: 10_000,
    branchLimit: options.memoryStateMax ?? 100_000,
  });
  const parser = createHclParser(options.parse);
  const terraform = new TerraformGate(
    options.terraform.mode,
    options.terraform.mode === 'off'
      ? undefined
      : findTerraform(options.terraform.path, { env: options.terraform.env }),
    options.terraform.concurrency,
  );
  const state = createStateStore({
    redisUrl: options.redisUrl,
    keyPrefix: options.redisKeyPrefix,
    retentionSeconds: options.retentionSeconds,
    memoryMaxEntries: options.memoryStateMax,
    claimLeaseSeconds: 900,
    maxAttempts: 3,
  });
  let retryPolicy = DEFAULT_RETRY_POLICY;
  const pipeline = createPipeline({
    source: withFaults(new SimulatedFailureSource(), 'fetch_vanta', injector, faultOptions),
    resolver: new SimulatedRepoResolver(),
    checkout: withFaults(new SimulatedCheckout(), 'clone_repo', injector, faultOptions),
    generator: withFaults(new SimulatedFixGenerator(), 'bedrock_inference', injector, faultOptions),
    publisher: withFaults(publisher, 'create_pr', injector, faultOptions),
    analyzer: createHclAnalyzer({ parser, terraform }),
    state,
    retry: () => retryPolicy,
    observer: options.observer,
    logger,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
  return {
    pipeline,
    injector,
    publisher,
    parser,
    state,
    stateBackend: options.redisUrl === undefined ? 'memory' : 'redis',
    terraform,
    retry: {
      get: () => retryPolicy,
      set: (policy) => {
        retryPolicy = policy;
      },
    },
    async close() {
      await Promise.allSettled([parser.close(), state.close()]);
    },
  };
}
