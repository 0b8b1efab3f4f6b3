/**
 * Experiment profiles: data files (experiments/profiles/*.json) validated on load; errors name the field.
 * Durations are seconds; rates are iterations per second. The runner scales durations by --duration-scale.
 */
import { z } from 'zod';
import { configureBodySchema } from '../../src/contracts/configure-body.js';
import { REPO_SIZES } from '../../src/pipeline/failure.js';
import { TEMPLATE_NAMES } from '../../src/simulation/synth/templates.js';

const seconds = z.number().positive().max(86_400);
const stage = z.strictObject({ target: z.number().nonnegative().max(100_000), duration: seconds });

const arrivalCommon = {
  /** VUs allocated up front; the engine may grow to maxVUs. An iteration that finds none free is dropped. */
  preAllocatedVUs: z.number().int().min(1).max(10_000),
  maxVUs: z.number().int().min(1).max(10_000),
};

export const loadSchema = z
  .discriminatedUnion('executor', [
    z.strictObject({
      executor: z.literal('constant-arrival-rate'),
      rate: z.number().positive().max(100_000),
      duration: seconds,
      ...arrivalCommon,
    }),
    z.strictObject({
      executor: z.literal('ramping-arrival-rate'),
      startRate: z.number().nonnegative().max(100_000),
      stages: z.array(stage).min(1).max(100),
      ...arrivalCommon,
    }),
    z.strictObject({
      executor: z.literal('constant-vus'),
      vus: z.number().int().min(1).max(10_000),
      duration: seconds,
      /** Minimum seconds per iteration (closed model pacing, like Locust's constant_pacing). 0 = none. */
      pacing: z.number().nonnegative().max(3_600).default(0),
    }),
    z.strictObject({
      executor: z.literal('ramping-vus'),
      startVUs: z.number().int().min(0).max(10_000),
      stages: z.array(stage).min(1).max(100),
      pacing: z.number().nonnegative().max(3_600).default(0),
    }),
  ])
  .superRefine((load, ctx) => {
    if ('maxVUs' in load && load.maxVUs < load.preAllocatedVUs) {
      ctx.addIssue({ code: 'custom', path: ['maxVUs'], message: 'must be at least preAllocatedVUs' });
    }
  });
export type LoadShape = z.infer<typeof loadSchema>;

export const payloadSchema = z.strictObject({
  /** `batch` sends arrays to /batch; `mixed` sends a batch with probability batchRatio, else one webhook. */
  endpoint: z.enum(['webhook', 'batch', 'mixed']).default('webhook'),
  /** `async` asks for 202 + job id (`?mode=async`); `sync` waits for the outcome. */
  mode: z.enum(['sync', 'async']).default('sync'),
  templates: z.array(z.enum(TEMPLATE_NAMES)).min(1).optional(),
  /** Share of iterations that resend an earlier failure (dedup traffic). */
  duplicateRatio: z.number().min(0).max(1).default(0),
  batchSize: z
    .strictObject({ min: z.number().int().min(1).max(1000), max: z.number().int().min(1).max(1000) })
    .optional(),
  batchRatio: z.number().min(0).max(1).default(0),
  /** Repository size the failures name; `mixed` draws one per failure. */
  repoSize: z.enum([...REPO_SIZES, 'mixed']).default('medium'),
});
export type PayloadMix = z.infer<typeof payloadSchema>;

export const FINDING_KINDS = [
  'knee',
  'dedup',
  'faults',
  'recovery',
  'burst',
  'cascade',
  'scalability',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const THRESHOLD_METRICS = [
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'error_rate',
  'dropped_rate',
  'achieved_ratio',
] as const;
export const thresholdSchema = z.strictObject({
  metric: z.enum(THRESHOLD_METRICS),
  op: z.enum(['<', '<=', '>', '>=']),
  value: z.number(),
});
export type Threshold = z.infer<typeof thresholdSchema>;

/** Conditions that end a run early (knee and cascade searches): any one holding for `sustainSeconds`. */
export const stopSchema = z.strictObject({
  p99Ms: z.number().positive().optional(),
  errorRate: z.number().min(0).max(1).optional(),
  droppedRate: z.number().min(0).max(1).optional(),
  sustainSeconds: z.number().int().min(1).max(600).default(3),
});

export const runSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9_]+$/, 'must be lower-case letters, digits and _'),
    description: z.string().min(1),
    load: loadSchema,
    payload: payloadSchema.default({
      endpoint: 'webhook',
      mode: 'sync',
      duplicateRatio: 0,
      batchRatio: 0,
      repoSize: 'medium',
    }),
    /** Applied with POST /configure before the run and verified through GET /status. */
    mock: configureBodySchema.default({}),
    /** Mock changes during the run (fault windows): applied at `at` seconds after the load starts. */
    phases: z.array(z.strictObject({ at: z.number().nonnegative(), mock: configureBodySchema })).default([]),
    thresholds: z.array(thresholdSchema).default([]),
    /**
     * Seconds of load sent before the measured run and not recorded (JIT, caches and connection pools warm up).
     * Leave 0 where the cold start is what the run measures.
     */
    warmupSeconds: z.number().nonnegative().max(600).default(0),
    stopWhen: stopSchema.optional(),
    /** Experiment-specific analyses to compute for this run (see runner/findings.ts). */
    findings: z.array(z.enum(FINDING_KINDS)).default([]),
  })
  .superRefine((run, ctx) => {
    const b = run.payload.batchSize;
    if (b !== undefined && b.max < b.min)
      ctx.addIssue({
        code: 'custom',
        path: ['payload', 'batchSize', 'max'],
        message: 'must be at least min',
      });
    if (run.payload.endpoint !== 'webhook' && b === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['payload', 'batchSize'],
        message: 'is required for batch and mixed endpoints',
      });
    }
  });
export type RunProfile = z.infer<typeof runSchema>;

export const EXPERIMENT_NAMES = [
  'throughput',
  'resilience',
  'scalability',
  'burst',
  'cascade',
  'smoke',
] as const;
export type ExperimentName = (typeof EXPERIMENT_NAMES)[number];

export const experimentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    /** One of the shipped experiments, or any name for a profile of your own (`--profile FILE`). */
    name: z.string().regex(/^[a-z0-9_-]+$/, 'must be lower-case letters, digits, _ and -'),
    description: z.string().min(1),
    /** Seconds of quiet between runs (queues drain, GC settles). */
    pauseBetweenRuns: z.number().nonnegative().max(600).default(2),
    runs: z.array(runSchema).min(1),
  })
  .superRefine((exp, ctx) => {
    const seen = new Set<string>();
    exp.runs.forEach((run, i) => {
      if (seen.has(run.name))
        ctx.addIssue({
          code: 'custom',
          path: ['runs', i, 'name'],
          message: `duplicate run name ${run.name}`,
        });
      seen.add(run.name);
    });
  });
export type ExperimentProfile = z.infer<typeof experimentSchema>;

/** Planned duration of a load shape in seconds. */
export function loadDuration(load: LoadShape): number {
  return 'duration' in load ? load.duration : load.stages.reduce((t, s) => t + s.duration, 0);
}

/** The same profile with every duration (and phase time) multiplied by `scale`; durations stay at least 1 s. */
export function scaleRun(run: RunProfile, scale: number): RunProfile {
  const s = (v: number) => Math.max(1, Math.round(v * scale * 1000) / 1000);
  const load: LoadShape =
    'duration' in run.load
      ? { ...run.load, duration: s(run.load.duration) }
      : { ...run.load, stages: run.load.stages.map((st) => ({ ...st, duration: s(st.duration) })) };
  return {
    ...run,
    load,
    phases: run.phases.map((p) => ({ ...p, at: p.at * scale })),
    // A warm-up is a load of its own: at least 1 s, like every duration (k6 refuses shorter constant loads).
    warmupSeconds: run.warmupSeconds > 0 ? s(run.warmupSeconds) : 0,
  };
}

/** The warm-up's load: the run's starting level (first non-zero) held for `seconds`, same VU limits. */
export function warmupLoad(load: LoadShape, seconds: number): LoadShape {
  const firstLevel = (start: number, stages: readonly { target: number }[]): number =>
    start > 0 ? start : (stages.find((s) => s.target > 0)?.target ?? 1);
  switch (load.executor) {
    case 'constant-arrival-rate':
    case 'constant-vus':
      return { ...load, duration: seconds };
    case 'ramping-arrival-rate':
      return {
        executor: 'constant-arrival-rate',
        rate: firstLevel(load.startRate, load.stages),
        duration: seconds,
        preAllocatedVUs: load.preAllocatedVUs,
        maxVUs: load.maxVUs,
      };
    case 'ramping-vus':
      return {
        executor: 'constant-vus',
        vus: Math.max(1, Math.round(firstLevel(load.startVUs, load.stages))),
        duration: seconds,
        pacing: load.pacing,
      };
  }
}
