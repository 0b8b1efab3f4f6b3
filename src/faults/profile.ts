/**
 * Fault profiles as data: per external stage, a latency distribution and the probability of each fault kind.
 * Schemas are strict so a misspelt stage or field is rejected by name instead of silently injecting nothing.
 */
import { z } from 'zod';
import type { ExternalStage } from '../pipeline/stages.js';
import { parseOrThrow } from '../pipeline/validate-input.js';
import { MAX_LATENCY_MS, latencySpecSchema } from './latency.js';

export const FAULT_KINDS = ['transient', 'throttle', 'timeout', 'permanent'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Float slack for sums such as 0.1 + 0.2 + 0.7. */
const SUM_EPSILON = 1e-9;

const probability = z.number().min(0).max(1).optional();
const ms = z.number().min(0).max(MAX_LATENCY_MS);

export const stageFaultsSchema = z
  .strictObject({
    latency: latencySpecSchema.optional(),
    transient: probability,
    throttle: probability,
    timeout: probability,
    permanent: probability,
    /** Retry-After carried by an injected throttle. */
    throttleRetryAfterMs: ms.default(1000),
    /** How long an injected timeout hangs before failing. */
    timeoutMs: ms.default(30_000),
  })
  .superRefine((s, ctx) => {
    const given = FAULT_KINDS.filter((kind) => s[kind] !== undefined);
    const sum = given.reduce((acc, kind) => acc + (s[kind] ?? 0), 0);
    const last = given.at(-1);
    if (sum > 1 + SUM_EPSILON && last !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [last],
        message: `fault probabilities (${given.join(' + ')}) must sum to at most 1, got ${sum}`,
      });
    }
  });

export type StageFaults = z.output<typeof stageFaultsSchema>;
export type StageFaultsInput = z.input<typeof stageFaultsSchema>;

const stagesSchema = z.strictObject({
  fetch_vanta: stageFaultsSchema.optional(),
  clone_repo: stageFaultsSchema.optional(),
  bedrock_inference: stageFaultsSchema.optional(),
  create_pr: stageFaultsSchema.optional(),
} satisfies Record<ExternalStage, unknown>);

export const faultConfigSchema = z.strictObject({
  /** Any safe integer; it only feeds the hash that seeds each stream. */
  seed: z.number().int().default(1),
  /** Stages without a profile are called straight through. */
  stages: stagesSchema.default({}),
});

export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

/** Validates a fault configuration; the thrown validation error names the offending field. */
export function parseFaultConfig(input: unknown): FaultConfig {
  return parseOrThrow(faultConfigSchema, input, 'fault configuration');
}
