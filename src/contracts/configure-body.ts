/**
 * The `POST /configure` body: the guide's two knobs plus per-stage faults, sizing, seed, cache and retry policy.
 * A contract of its own: the server validates requests with it and experiment profiles validate their `mock`
 * blocks with it, so a profile that loads is a profile the server accepts.
 */
import { z } from 'zod';
import { stageFaultsSchema } from '../faults/profile.js';
import { MAX_LATENCY_MS } from '../faults/latency.js';
import { retryPolicySchema } from '../pipeline/retry.js';
import type { ExternalStage } from '../pipeline/stages.js';

const stagePatch = stageFaultsSchema.nullable().optional();

export const configureBodySchema = z.strictObject({
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

export type ConfigureBody = z.output<typeof configureBodySchema>;
