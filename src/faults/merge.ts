/**
 * Partial updates of a fault configuration (the mock control endpoint's PATCH semantics).
 */
import type { ExternalStage } from '../pipeline/stages.js';
import type { FaultConfig, FaultConfigInput, StageFaultsInput } from './profile.js';
import { parseFaultConfig } from './profile.js';

export interface FaultConfigPatch {
  seed?: number;
  /** A stage given here replaces that stage's whole profile; `null` removes it; stages not named stay. */
  stages?: Partial<Record<ExternalStage, StageFaultsInput | null>>;
}

/** Applies `patch` to `base` and validates the result (errors name the field, e.g. `stages.clone_repo.timeout`). */
export function mergeFaultConfig(base: FaultConfig, patch: FaultConfigPatch): FaultConfig {
  const stages: Record<string, StageFaultsInput | undefined> = { ...base.stages };
  for (const [stage, profile] of Object.entries(patch.stages ?? {})) {
    if (profile === null) delete stages[stage];
    else stages[stage] = profile;
  }
  const merged: FaultConfigInput = { seed: patch.seed ?? base.seed, stages };
  return parseFaultConfig(merged);
}
