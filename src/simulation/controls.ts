import type { ConfigureBody } from '../contracts/configure-body.js';
import type { MockControls } from '../contracts/mock-controls.js';
import type { FaultInjector } from '../faults/index.js';
import { fromLegacy, mergeFaultConfig, type StageFaultsInput } from '../faults/index.js';
import type { RetryPolicy } from '../pipeline/retry.js';
import type { ExternalStage } from '../pipeline/stages.js';
import type { QueueSizing, QueueStats } from '../queue/port.js';
import type { SimulatedPublisher } from './adapters/publisher.js';

export interface MockControlTargets {
  injector: FaultInjector;
  publisher: SimulatedPublisher;
  queue: { stats(): Promise<QueueStats>; resize(sizing: QueueSizing): Promise<void> };
  parseCache: { get: () => boolean; set: (on: boolean) => void };
  retry: { get: () => RetryPolicy; set: (policy: RetryPolicy) => void };
}

/**
 * The mock knobs and what they act on. `latency_ms`/`failure_rate`/`seed` build the base fault profile
 * (see faults/legacy.ts); `stages` overrides persist across later knob changes until set to null.
 */
export class MockControlPanel implements MockControls {
  private latencyMs: number;
  private failureRate: number;
  private seed: number;
  private overrides: Partial<Record<ExternalStage, StageFaultsInput>> = {};

  constructor(
    private readonly targets: MockControlTargets,
    initial: { latencyMs: number; failureRate: number; seed: number },
  ) {
    this.latencyMs = initial.latencyMs;
    this.failureRate = initial.failureRate;
    this.seed = initial.seed;
    this.targets.injector.configure(fromLegacy(this.latencyMs, this.failureRate, this.seed));
  }

  async configure(patch: ConfigureBody): Promise<Record<string, unknown>> {
    const latencyMs = patch.latency_ms ?? this.latencyMs;
    const failureRate = patch.failure_rate ?? this.failureRate;
    const seed = patch.seed ?? this.seed;
    const overrides = { ...this.overrides };
    for (const [stage, profile] of Object.entries(patch.stages ?? {}) as [
      ExternalStage,
      StageFaultsInput | null | undefined,
    ][]) {
      if (profile === null) delete overrides[stage];
      else if (profile !== undefined) overrides[stage] = profile;
    }
    // Validate everything before changing anything: a rejected request leaves the configuration as it was.
    const faults = mergeFaultConfig(fromLegacy(latencyMs, failureRate, seed), { stages: overrides });
    const sizing = await this.targets.queue.stats();
    this.targets.injector.configure(faults);
    this.latencyMs = latencyMs;
    this.failureRate = failureRate;
    this.seed = seed;
    this.overrides = overrides;
    if (patch.retry !== undefined) this.targets.retry.set(patch.retry);
    if (patch.workers !== undefined || patch.queue_limit !== undefined) {
      await this.targets.queue.resize({
        workers: patch.workers ?? sizing.workers,
        limit: patch.queue_limit ?? sizing.limit,
      });
    }
    if (patch.parse_cache !== undefined) this.targets.parseCache.set(patch.parse_cache);
    return this.effective();
  }

  async effective(): Promise<Record<string, unknown>> {
    const sizing = await this.targets.queue.stats();
    return {
      latency_ms: this.latencyMs,
      failure_rate: this.failureRate,
      seed: this.seed,
      workers: sizing.workers,
      queue_limit: sizing.limit,
      parse_cache: this.targets.parseCache.get(),
      stage_overrides: this.overrides,
      stages: this.targets.injector.config.stages,
      retry: this.targets.retry.get(),
    };
  }

  injected(): Record<string, unknown> {
    return this.targets.injector.counters();
  }

  publisherLog() {
    return { ...this.targets.publisher.counts(), calls: this.targets.publisher.calls() };
  }

  reset(options: { clearState: boolean }): void {
    this.targets.injector.reset();
    if (options.clearState) this.targets.publisher.clear();
    else this.targets.publisher.resetCounts();
  }
}
