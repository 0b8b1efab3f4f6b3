/**
 * What one load run produced, whichever engine ran it (built-in or k6). The runner writes it as
 * `<output>/<experiment>/<run>/result.json`; reports are rebuilt from these files alone.
 */
import { z } from 'zod';

export const ERROR_KINDS = ['http_4xx', 'http_429', 'http_5xx', 'timeout', 'connection', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const latencySummarySchema = z.object({
  count: z.number().int().nonnegative(),
  min: z.number(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});
export type LatencySummaryMs = z.infer<typeof latencySummarySchema>;

/** One second of the run (t = whole seconds since the load started, 0-based). Latencies in ms. */
export const timelinePointSchema = z.object({
  t: z.number().int().nonnegative(),
  /** Requests completed in this second (responses or errors). */
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** Iterations that were due but found no free VU (open model only). */
  dropped: z.number().int().nonnegative(),
  /** Iterations scheduled to start in this second (open model: the offered rate). */
  scheduled: z.number().int().nonnegative(),
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative(),
  /** VUs busy at the end of the second. */
  activeVUs: z.number().int().nonnegative(),
  /** Latency counts per bucket for the heatmap: bucket upper bounds are LATENCY_BUCKETS_MS. */
  buckets: z.array(z.number().int().nonnegative()),
});
export type TimelinePoint = z.infer<typeof timelinePointSchema>;

/** Upper bounds (ms) of the per-second latency buckets; the last bucket is everything above. */
export const LATENCY_BUCKETS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000,
] as const;

export const runResultSchema = z.object({
  engine: z.enum(['builtin', 'k6']),
  engineVersion: z.string(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  durationSeconds: z.number().nonnegative(),
  /** HTTP requests sent (a batch is one request). */
  requests: z.number().int().nonnegative(),
  /** Iterations completed (one iteration sends one request). */
  iterations: z.number().int().nonnegative(),
  /** Failure records sent (batch items counted one by one). */
  items: z.number().int().nonnegative(),
  statusCounts: z.record(z.string(), z.number().int().nonnegative()),
  errors: z.record(z.enum(ERROR_KINDS), z.number().int().nonnegative()),
  /** Requests per second the profile asked for (open model), averaged over the run; null for closed models. */
  intendedRate: z.number().nonnegative().nullable(),
  achievedRate: z.number().nonnegative(),
  droppedIterations: z.number().int().nonnegative(),
  /** Latency from the iteration's scheduled start (open model) or its actual start (closed model), in ms. */
  latency: latencySummarySchema,
  /** The whole latency histogram, HDR compressed base64 (microseconds), for distribution charts and merges. */
  histogram: z.string(),
  timeline: z.array(timelinePointSchema),
  /** Set when the run stopped early (breach of a stop condition, target gone, interrupted). */
  aborted: z.string().nullable(),
});
export type RunResult = z.infer<typeof runResultSchema>;
