/**
 * `experiment_summary.json`, schema version 1. Written by the runner, rebuilt by `terrafix report` from the raw
 * per-run files. Latencies are milliseconds, rates per second, memory bytes, timestamps UTC ISO-8601.
 * Additive changes keep the version; renaming or removing a field bumps it.
 */
import { z } from 'zod';
import { latencySummarySchema } from './run-result.js';

export const SUMMARY_SCHEMA_VERSION = 1;

const thresholdResult = z.object({
  metric: z.string(),
  op: z.enum(['<', '<=', '>', '>=']),
  value: z.number(),
  actual: z.number(),
  passed: z.boolean(),
});

const serverSummary = z.object({
  stageMeanMs: z.record(z.string(), z.number().nullable()),
  queueDepthPeak: z.number(),
  activeWorkersPeak: z.number(),
  processed: z.number(),
  successful: z.number(),
  skipped: z.number(),
  failed: z.number(),
  failedByCode: z.record(z.string(), z.number()),
  dedupHits: z.number(),
  dedupHitRate: z.number().nullable(),
  retries: z.number(),
  prsCreated: z.number(),
  queueRejections: z.number(),
  injected: z.record(z.string(), z.record(z.string(), z.number())),
  injectedTotal: z.number(),
  rssStartBytes: z.number().nullable(),
  rssPeakBytes: z.number().nullable(),
  rssEndBytes: z.number().nullable(),
  cpuMsPerFailure: z.number().nullable(),
  scrapes: z.number(),
});

export const runSummarySchema = z.object({
  name: z.string(),
  experiment: z.string(),
  description: z.string(),
  /** `completed`: load ran to its end; `stopped`: a stop condition ended it (a finding, not a failure); `error`: no result. */
  status: z.enum(['completed', 'stopped', 'error']),
  error: z.string().nullable(),
  /** Stable code of the error (TFX_CONFIG: configuration refused or did not take; TFX_UNREACHABLE: target gone). */
  errorCode: z.string().nullable(),
  passed: z.boolean(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  load: z.record(z.string(), z.unknown()),
  payload: z.record(z.string(), z.unknown()),
  mock: z.record(z.string(), z.unknown()),
  requests: z.number(),
  iterations: z.number(),
  items: z.number(),
  statusCounts: z.record(z.string(), z.number()),
  errorsByKind: z.record(z.string(), z.number()),
  errorRate: z.number(),
  intendedRate: z.number().nullable(),
  achievedRate: z.number(),
  droppedIterations: z.number(),
  droppedRate: z.number(),
  latencyMs: latencySummarySchema.nullable(),
  thresholds: z.array(thresholdResult),
  server: serverSummary.nullable(),
  findings: z.record(z.string(), z.record(z.string(), z.unknown())),
  /** Raw files of the run, relative to the summary's folder. */
  files: z.object({ result: z.string().nullable(), scrapes: z.string().nullable() }),
  /** Set on the run a SIGINT/SIGTERM cut short (its data up to then is kept). */
  interrupted: z.boolean().optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const experimentSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  runs: z.array(runSummarySchema),
  /** Findings across the experiment's runs (e.g. scalability slope). */
  findings: z.record(z.string(), z.unknown()),
});
export type ExperimentSummary = z.infer<typeof experimentSummarySchema>;

export const summarySchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('terrafix'), version: z.string(), node: z.string() }),
  engine: z.object({ name: z.enum(['builtin', 'k6']), version: z.string() }),
  seed: z.number(),
  durationScale: z.number(),
  target: z.object({ url: z.string(), local: z.boolean() }),
  startedAt: z.string(),
  endedAt: z.string(),
  experiments: z.array(experimentSummarySchema),
  /** Set when a signal (SIGINT, SIGTERM) ended the runner early: finished runs are kept, the rest never ran. */
  interrupted: z.string().optional(),
  verdict: z.object({
    passed: z.boolean(),
    runs: z.number(),
    failedThresholds: z.number(),
    errors: z.number(),
  }),
});
export type Summary = z.infer<typeof summarySchema>;
