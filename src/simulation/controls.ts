import { z } from 'zod';
import type { FaultInjector } from '../faults/index.js';
import { fromLegacy, mergeFaultConfig, stageFaultsSchema, type StageFaultsInput } from '../faults/index.js';
import { MAX_LATENCY_MS } from '../faults/latency.js';
import type { SimulatedPublisher } from './adapters/publisher.js';
import { type RetryPolicy, retryPolicySchema } from '../pipeline/retry.js';
import type { ExternalStage } from '../pipeline/stages.js';
import { parseOrThrow } from '../pipeline/validate-input.js';
import type { QueueSizing } from '../queue/port.js';
import type { MockControls } from '../api-server/runtime-types.js';

const stagePatch = stageFaultsSchema.nullable().optional();

/** `POST /configure` body: the guide's two knobs plus per-stage faults, sizing, seed, cache and retry policy. */
export const configureSchema = z.strictObject({
  latency_ms: z.number().min(0).max(MAX_LATENCY_MS).optional(),
  failure_rate: z.number().min(0).max(1).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  workers: z.number().int().min(1).max(10_000).optional(),
  queue_limit: z.number().int().min(0).max(1_000_000).optional(),
  parse_cache: z.boolean().optional(),
  /** Per-stage overrides on top of the latency_ms/failure_rate profile; `null` removes a stage's override. */
  stages: z
    .strictObject({
      fetch_vanta: stagePatch,
      clone_repo: stagePatch,
      bedrock_inference: stagePatch,
      create_pr: stagePatch,
    } satisfies Record<ExternalStage, unknown>)
    .optional(),
  retry: retryPolicySchema.optional(),
});

export interface MockControlTargets {
  injector: FaultInjector;
  publisher: SimulatedPublisher;
  sizing: () => QueueSizing;
  resize: (sizing: QueueSizing) => void;
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

  configure(body: unknown): Record<string, unknown> {
    const patch = parseOrThrow(configureSchema, body ?? {}, 'configuration');
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
    const sizing = this.targets.sizing();
    this.targets.injector.configure(faults);
    this.latencyMs = latencyMs;
    this.failureRate = failureRate;
    this.seed = seed;
    this.overrides = overrides;
    if (patch.retry !== undefined) this.targets.retry.set(patch.retry);
    if (patch.workers !== undefined || patch.queue_limit !== undefined) {
      this.targets.resize({
        workers: patch.workers ?? sizing.workers,
        limit: patch.queue_limit ?? sizing.limit,
      });
    }
    if (patch.parse_cache !== undefined) this.targets.parseCache.set(patch.parse_cache);
    return this.effective();
  }

  effective(): Record<string, unknown> {
    const sizing = this.targets.sizing();
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
