/**
 * Mock mode: the shared pipeline over simulated Vanta, git, Bedrock and GitHub, each behind the fault decorator,
 * plus the controls `POST /configure` drives. Parsing, locating, editing, validation, dedup and state stay real.
 */
import type { MockControls } from '../contracts/mock-controls.js';
import { FaultInjector, fromLegacy, withFaults } from '../faults/index.js';
import type { FaultKind } from '../faults/profile.js';
import type { FixGenerator } from '../pipeline/ports.js';
import type { ExternalStage } from '../pipeline/stages.js';
import { createPlaybookGenerator, playbooksThenModel } from '../playbooks/generator.js';
import type { JobQueue } from '../queue/port.js';
import { SimulatedCheckout } from '../simulation/adapters/checkout.js';
import { SimulatedFailureSource } from '../simulation/adapters/failure-source.js';
import { SimulatedFixGenerator } from '../simulation/adapters/fix-generator.js';
import { SimulatedPublisher } from '../simulation/adapters/publisher.js';
import { SimulatedRepoResolver } from '../simulation/adapters/repo-resolver.js';
import { MockControlPanel } from '../simulation/controls.js';
import {
  composePipeline,
  type PipelineComposition,
  type PipelineConfig,
  type PipelineEnvironment,
} from './pipeline.js';

export interface SimulatedConfig extends PipelineConfig {
  mock: { latencyMs: number; failureRate: number; seed: number };
}

export interface SimulatedEnvironment extends PipelineEnvironment {
  /** Called for every fault the decorator injects (metrics count them). */
  onInjected?: (stage: ExternalStage, kind: FaultKind) => void;
}

export interface SimulatedComposition extends PipelineComposition {
  injector: FaultInjector;
  publisher: SimulatedPublisher;
  /** The `/configure` controls over this pipeline and the queue that feeds it. */
  controls: (queue: Pick<JobQueue<never, unknown>, 'stats' | 'resize'>) => MockControls;
}

/** Builds mock mode's pipeline from `config`. */
export function composeSimulated(config: SimulatedConfig, env: SimulatedEnvironment): SimulatedComposition {
  const injector = new FaultInjector(
    fromLegacy(config.mock.latencyMs, config.mock.failureRate, config.mock.seed),
  );
  const faults = {
    ...(env.sleep === undefined ? {} : { sleep: env.sleep }),
    ...(env.onInjected === undefined ? {} : { onInjected: env.onInjected }),
  };
  // The simulated GitHub remembers as many open PRs as the state store remembers failures: memory stays bounded.
  const publisher = new SimulatedPublisher({ logLimit: 10_000, branchLimit: config.memoryStateMax });
  const shared = composePipeline(
    config,
    {
      source: withFaults(new SimulatedFailureSource(), 'fetch_vanta', injector, faults),
      resolver: new SimulatedRepoResolver(),
      checkout: withFaults(new SimulatedCheckout(), 'clone_repo', injector, faults),
      // Playbooks first, as in production; the fault decorator wraps both so injected model latency and faults
      // keep their effect on every failure, as before playbooks existed.
      generator: withFaults(
        playbooksThenModel(createPlaybookGenerator(), new SimulatedFixGenerator()),
        'bedrock_inference',
        injector,
        faults,
      ),
      publisher: withFaults(publisher, 'create_pr', injector, faults),
    },
    env,
  );
  return {
    ...shared,
    injector,
    publisher,
    controls: (queue) =>
      new MockControlPanel(
        {
          injector,
          publisher,
          queue,
          parseCache: {
            get: () => shared.parser.cacheEnabled,
            set: (on) => shared.parser.setCacheEnabled(on),
          },
          retry: shared.retry,
        },
        config.mock,
      ),
  };
}

/** The deterministic fixer as a FixGenerator, no network: `terrafix analyze` uses it until playbooks land. */
export function deterministicFixGenerator(): FixGenerator {
  return new SimulatedFixGenerator();
}
