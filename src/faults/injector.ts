/**
 * Decides what to inject for one call and counts what the decorator actually injected.
 * A plan is a pure function of (seed, key, stage, attempt) and the configured profile.
 */
import { EXTERNAL_STAGES, type ExternalStage } from '../pipeline/stages.js';
import { sampleLatency } from './latency.js';
import {
  FAULT_KINDS,
  type FaultConfig,
  type FaultConfigInput,
  type FaultKind,
  type StageFaults,
  parseFaultConfig,
} from './profile.js';
import { rngFor } from './rng.js';

export interface FaultPlan {
  delayMs: number;
  fault?: FaultKind;
}

export type StageCounts = Record<FaultKind, number> & {
  /** Calls that were delayed by a non-zero injected latency. */
  latency: number;
  /** Sum of injected latency in milliseconds (timeout hangs are counted under `timeout`, not here). */
  delayMs: number;
};

export type InjectedCounts = Record<ExternalStage, StageCounts>;

const NO_PLAN: FaultPlan = Object.freeze({ delayMs: 0 });

function zeroCounts(): InjectedCounts {
  const counts = {} as InjectedCounts;
  for (const stage of EXTERNAL_STAGES) {
    counts[stage] = { transient: 0, throttle: 0, timeout: 0, permanent: 0, latency: 0, delayMs: 0 };
  }
  return counts;
}

/** Picks the fault whose cumulative probability band contains `u`, if any. */
function pickFault(profile: StageFaults, u: number): FaultKind | undefined {
  let upper = 0;
  for (const kind of FAULT_KINDS) {
    upper += profile[kind] ?? 0;
    if (u < upper) return kind;
  }
  return undefined;
}

export class FaultInjector {
  #config: FaultConfig;
  #counts = zeroCounts();

  constructor(config: FaultConfigInput = {}) {
    this.#config = parseFaultConfig(config);
  }

  /** Replaces the whole configuration (validated); counters are kept. */
  configure(config: FaultConfigInput): void {
    this.#config = parseFaultConfig(config);
  }

  get config(): FaultConfig {
    return this.#config;
  }

  /** The stage's profile, or undefined when the stage is not fault-injected. */
  profileFor(stage: ExternalStage): StageFaults | undefined {
    return this.#config.stages[stage];
  }

  /** What to inject for this call; identical inputs always give the identical plan. */
  plan(stage: ExternalStage, key: string, attempt: number): FaultPlan {
    const profile = this.#config.stages[stage];
    if (profile === undefined) return NO_PLAN;
    const rand = rngFor(this.#config.seed, key, stage, attempt);
    // The fault draw always comes first, so changing probabilities never shifts the latency draws.
    const fault = pickFault(profile, rand());
    const delayMs = profile.latency === undefined ? 0 : sampleLatency(profile.latency, rand);
    return fault === undefined ? { delayMs } : { delayMs, fault };
  }

  /** Counts one injected fault. */
  record(stage: ExternalStage, kind: FaultKind): void {
    this.#counts[stage][kind] += 1;
  }

  /** Counts one injected delay. */
  recordDelay(stage: ExternalStage, delayMs: number): void {
    const counts = this.#counts[stage];
    counts.latency += 1;
    counts.delayMs += delayMs;
  }

  /** A snapshot of everything injected since construction or the last reset. */
  counters(): InjectedCounts {
    const copy = zeroCounts();
    for (const stage of EXTERNAL_STAGES) Object.assign(copy[stage], this.#counts[stage]);
    return copy;
  }

  /** Zeroes the counters; the configuration stays. */
  reset(): void {
    this.#counts = zeroCounts();
  }
}
