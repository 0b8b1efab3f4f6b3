/**
 * Latency distributions for simulated external calls, as validated data. Sampling takes the caller's uniform
 * stream so the same request identity always yields the same delay.
 */
import { z } from 'zod';

/** Ceiling of every configured or sampled delay (10 minutes); heavy tails are clamped here too. */
export const MAX_LATENCY_MS = 600_000;

/** z-score of the 99th percentile of the standard normal distribution. */
const Z_P99 = 2.3263478740408408;

const ms = z.number().min(0).max(MAX_LATENCY_MS);
const capMs = ms.optional();

const fixedSchema = z.strictObject({ kind: z.literal('fixed'), ms, capMs });

const uniformSchema = z
  .strictObject({ kind: z.literal('uniform'), minMs: ms, maxMs: ms, capMs })
  .refine((s) => s.minMs <= s.maxMs, { message: 'must be >= minMs', path: ['maxMs'] });

const normalSchema = z.strictObject({ kind: z.literal('normal'), meanMs: ms, stdDevMs: ms, capMs });

const lognormalSchema = z
  .strictObject({ kind: z.literal('lognormal'), medianMs: ms.positive(), p99Ms: ms.positive(), capMs })
  .refine((s) => s.p99Ms >= s.medianMs, { message: 'must be >= medianMs', path: ['p99Ms'] });

const paretoSchema = z.strictObject({
  kind: z.literal('pareto'),
  scaleMs: ms.positive(),
  shape: z.number().positive().max(1000),
  capMs,
});

export const latencySpecSchema = z.discriminatedUnion('kind', [
  fixedSchema,
  uniformSchema,
  normalSchema,
  lognormalSchema,
  paretoSchema,
]);

export type LatencySpec = z.output<typeof latencySpecSchema>;

/** A standard normal draw (Box-Muller); 1 - u keeps the logarithm's argument in (0, 1]. */
function standardNormal(rand: () => number): number {
  const u1 = 1 - rand();
  const u2 = rand();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function uncapped(spec: LatencySpec, rand: () => number): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.ms;
    case 'uniform':
      return spec.minMs + rand() * (spec.maxMs - spec.minMs);
    case 'normal':
      return spec.meanMs + spec.stdDevMs * standardNormal(rand);
    case 'lognormal': {
      const mu = Math.log(spec.medianMs);
      const sigma = (Math.log(spec.p99Ms) - mu) / Z_P99;
      return Math.exp(mu + sigma * standardNormal(rand));
    }
    case 'pareto':
      // Inverse CDF; 1 - u is in (0, 1], so the result is finite and >= scale.
      return spec.scaleMs / Math.pow(1 - rand(), 1 / spec.shape);
  }
}

/** Draws one delay in milliseconds: truncated at 0, at the spec's cap and at MAX_LATENCY_MS. */
export function sampleLatency(spec: LatencySpec, rand: () => number): number {
  const value = uncapped(spec, rand);
  return Math.min(Math.max(value, 0), spec.capMs ?? MAX_LATENCY_MS, MAX_LATENCY_MS);
}
