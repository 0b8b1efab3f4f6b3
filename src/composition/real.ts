/**
 * Real mode: the shared pipeline over Vanta (confirm), the repository mapping, git (workspace cache), Bedrock and
 * GitHub. The adapters' own retries (Vanta re-mints and backoff, Octokit rate-limit waits) are counted through
 * AdapterMetrics; the model's tokens and cost go to the pipeline observer's `modelUsage`.
 * Playbooks (src/playbooks) answer first; the model is the fallback. `overrides.fixGenerator` replaces that wrapping.
 */
import {
  type BedrockAdapter,
  type BedrockAdapterDeps,
  createBedrockAdapter,
} from '../adapters/bedrock/create.js';
import { GitRepoCheckout } from '../adapters/git/index.js';
import { GitHubPublisher } from '../adapters/github/index.js';
import { MappedRepoResolver } from '../adapters/repo-mapping/resolver.js';
import { createVanta, type SharedTokenStore, type Vanta, type VantaDeps } from '../adapters/vanta/index.js';
import type { RealAdaptersConfig } from '../config/real-mode.js';
import { FaultInjector, withFaults } from '../faults/index.js';
import type { FaultConfig, FaultKind } from '../faults/profile.js';
import type { AdapterMetrics } from '../observability/adapter-metrics.js';
import type { FixGenerator } from '../pipeline/ports.js';
import type { ExternalStage } from '../pipeline/stages.js';
import { createPlaybookGenerator, playbooksThenModel } from '../playbooks/generator.js';
import {
  composePipeline,
  type PipelineAdapters,
  type PipelineComposition,
  type PipelineConfig,
  type PipelineEnvironment,
} from './pipeline.js';

export interface RealConfig extends PipelineConfig, RealAdaptersConfig {
  /** TERRAFIX_FAULT_PROFILE: latency and faults injected in front of the real adapters (harness, chaos). */
  faults?: FaultConfig | undefined;
}

export interface RealEnvironment extends PipelineEnvironment {
  /** Counters of what the adapters retry on their own; absent: not counted. */
  adapterMetrics?: AdapterMetrics;
  /** Where replicas share one Vanta token (the service's Redis); absent: this process mints its own. */
  vantaToken?: SharedTokenStore;
  /** Called for every fault TERRAFIX_FAULT_PROFILE injects (metrics count them). */
  onInjected?: (stage: ExternalStage, kind: FaultKind) => void;
}

/** Seams for tests, the bench, dry runs and later features; production passes none. */
export interface RealOverrides {
  /** Wraps the Bedrock generator instead of the default `playbooksThenModel(playbooks, model)` (`(m) => m`: model only). */
  fixGenerator?: (model: FixGenerator) => FixGenerator;
  /** Replaces or wraps any adapter after the fix generator wrapper (dry runs swap the publisher). */
  adapters?: (adapters: PipelineAdapters) => PipelineAdapters;
  /** The fake Bedrock's URL and dummy credentials (otherwise the SDK's own environment and provider chain). */
  bedrock?: Pick<BedrockAdapterDeps, 'endpoint' | 'credentials'>;
  /** Virtual time and paging for the Vanta client. */
  vanta?: Pick<VantaDeps, 'clock' | 'sleep' | 'random' | 'pageSize' | 'fetch'>;
  /** Shrinks GitHub's server-requested waits in tests (ms per second; retry plugin base). */
  github?: { msPerSecond?: number; retryBaseMs?: number };
}

export interface RealComposition extends PipelineComposition {
  /** The Vanta client, FailureSource and poll-side reader (one token, one rate limit). */
  vanta: Vanta;
  checkout: GitRepoCheckout;
  publisher: GitHubPublisher;
  bedrock: BedrockAdapter;
}

/** Builds real mode's pipeline from `config` (see src/config/real-mode.ts for the adapters' part). */
export function composeReal(
  config: RealConfig,
  env: RealEnvironment,
  overrides: RealOverrides = {},
): RealComposition {
  const { logger, observer, adapterMetrics } = env;
  const vanta = createVanta(config.vanta, {
    logger,
    ...(env.sleep === undefined ? {} : { sleep: env.sleep }),
    ...(adapterMetrics === undefined ? {} : { observer: adapterMetrics.vanta.observer }),
    ...(env.vantaToken === undefined ? {} : { sharedToken: env.vantaToken }),
    ...overrides.vanta,
  });
  const { github } = config;
  const checkout = new GitRepoCheckout({
    token: github.token,
    gitUrl: github.gitUrl,
    terraformPath: github.terraformPath,
    dir: github.workspace.dir,
    maxCachedRepos: github.workspace.maxCachedRepos,
    gitTimeoutMs: github.workspace.gitTimeoutMs,
    path: github.workspace.path,
    logger,
    ...(adapterMetrics === undefined ? {} : { onEvent: adapterMetrics.onGitCacheEvent }),
  });
  const publisher = new GitHubPublisher({
    token: github.token,
    apiUrl: github.apiUrl,
    terraformPath: github.terraformPath,
    draft: github.publish.draft,
    extraLabels: github.publish.extraLabels,
    labelColor: github.publish.labelColor,
    throttle: github.publish.throttle,
    requestRetries: github.publish.requestRetries,
    requestTimeoutMs: github.publish.requestTimeoutMs,
    logger,
    ...(adapterMetrics === undefined ? {} : { events: { rateLimit: adapterMetrics.onGitHubRateLimit } }),
    ...overrides.github,
  });
  const bedrock = createBedrockAdapter(config.bedrock, {
    logger,
    onUsage: (usage) => observer.modelUsage?.(usage),
    ...overrides.bedrock,
  });
  const generator =
    overrides.fixGenerator?.(bedrock.generator) ??
    playbooksThenModel(createPlaybookGenerator(), bedrock.generator);
  const adapters: PipelineAdapters = {
    source: vanta.source,
    resolver: new MappedRepoResolver(config.mapping),
    checkout,
    generator,
    publisher,
  };
  const chosen = overrides.adapters?.(adapters) ?? adapters;
  const shared = composePipeline(
    config,
    config.faults === undefined ? chosen : withAdapterFaults(chosen, new FaultInjector(config.faults), env),
    env,
  );
  return {
    ...shared,
    vanta,
    checkout,
    publisher,
    bedrock,
    async close() {
      bedrock.close();
      await shared.close();
    },
  };
}

/** The fault decorator in front of each external call, as mock mode has it (the resolver is a lookup, no call). */
function withAdapterFaults(
  adapters: PipelineAdapters,
  injector: FaultInjector,
  env: RealEnvironment,
): PipelineAdapters {
  const options = {
    ...(env.sleep === undefined ? {} : { sleep: env.sleep }),
    ...(env.onInjected === undefined ? {} : { onInjected: env.onInjected }),
  };
  return {
    source: withFaults(adapters.source, 'fetch_vanta', injector, options),
    resolver: adapters.resolver,
    checkout: withFaults(adapters.checkout, 'clone_repo', injector, options),
    generator: withFaults(adapters.generator, 'bedrock_inference', injector, options),
    publisher: withFaults(adapters.publisher, 'create_pr', injector, options),
  };
}
