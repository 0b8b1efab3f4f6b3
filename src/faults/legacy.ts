/**
 * The product guide's mock knobs `{"latency_ms", "failure_rate"}` expressed as a fault configuration.
 */
import { z } from 'zod';
import type { ExternalStage } from '../pipeline/stages.js';
import { parseOrThrow } from '../pipeline/validate-input.js';
import { MAX_LATENCY_MS } from './latency.js';
import type { FaultConfig, StageFaultsInput } from './profile.js';
import { parseFaultConfig } from './profile.js';

/** Share of the guide's total latency spent in each external stage (sums to 1). */
export const LEGACY_LATENCY_SPLIT: Readonly<Record<ExternalStage, number>> = {
  fetch_vanta: 0.1,
  clone_repo: 0.2,
  bedrock_inference: 0.5,
  create_pr: 0.2,
};

const legacySchema = z.object({
  latency_ms: z.number().min(0).max(MAX_LATENCY_MS),
  failure_rate: z.number().min(0).max(1),
  seed: z.number().int(),
});

/**
 * latency_ms is split over the stages as fixed latencies; failure_rate becomes the probability of a permanent
 * fault at bedrock_inference, so client-visible failures equal the injected-fault counters. Stages with nothing
 * to inject are left out and pass straight through.
 */
export function fromLegacy(latencyMs: number, failureRate: number, seed: number): FaultConfig {
  const knobs = parseOrThrow(
    legacySchema,
    { latency_ms: latencyMs, failure_rate: failureRate, seed },
    'mock configuration',
  );
  const stages: Partial<Record<ExternalStage, StageFaultsInput>> = {};
  for (const [stage, share] of Object.entries(LEGACY_LATENCY_SPLIT) as [ExternalStage, number][]) {
    const profile: StageFaultsInput = {};
    if (knobs.latency_ms > 0) profile.latency = { kind: 'fixed', ms: knobs.latency_ms * share };
    if (stage === 'bedrock_inference' && knobs.failure_rate > 0) profile.permanent = knobs.failure_rate;
    if (Object.keys(profile).length > 0) stages[stage] = profile;
  }
  return parseFaultConfig({ seed: knobs.seed, stages });
}
