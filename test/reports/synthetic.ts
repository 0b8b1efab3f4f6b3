/**
 * Writes a result folder like the runner's (per-run profile.json, result.json, scrapes.json and an
 * experiment_summary.json) from shipped profiles and seeded synthetic load: a service with a fixed capacity,
 * so open-model runs show a knee, cascade runs fail, fault runs inject faults and scalability runs slow with size.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitmix32 } from '../../src/faults/rng.js';
import { STAGES, TOTAL_STAGE } from '../../src/pipeline/stages.js';
import { encodeHistogram, newHistogram, summarize, toMicros } from '../../experiments/engine/latency.js';
import { loadProfile } from '../../experiments/profiles/load.js';
import {
  type ExperimentName,
  loadDuration,
  type RunProfile,
  scaleRun,
} from '../../experiments/profiles/schema.js';
import {
  LATENCY_BUCKETS_MS,
  type RunResult,
  runResultSchema,
  type TimelinePoint,
} from '../../experiments/results/run-result.js';
import { plannedRateAt } from '../../experiments/results/planned-rate.js';
import { errorSummary, summarizeRun } from '../../experiments/results/summarize.js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import type { ScrapeSample } from '../../experiments/results/scrape-sample.js';
import { experimentFindings, summaryVerdict } from '../../experiments/results/experiment-findings.js';
import {
  type ExperimentSummary,
  type RunSummary,
  type Summary,
  summarySchema,
} from '../../experiments/results/summary-schema.js';

export interface SyntheticOptions {
  experiments: ExperimentName[];
  /** Multiplies profile durations (0.5: the 60 s throughput runs last 30 s). */
  scale?: number;
  seed?: number;
  /** Adds a run that errored (no files) to the first experiment. */
  errorRun?: boolean;
}

const CAPACITY = 150;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

function bucketOf(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

function repoFactor(run: RunProfile): number {
  const size = { small: 1, medium: 3, large: 12, mixed: 4 }[run.payload.repoSize];
  return run.mock.parse_cache === false ? size : 1 + size / 10;
}

/** Synthetic result and scrapes of one run. */
function simulate(
  run: RunProfile,
  index: number,
  seed: number,
): { result: RunResult; scrapes: ScrapeSample[] } {
  const rand = splitmix32(seed * 7919 + index);
  const seconds = Math.ceil(loadDuration(run.load));
  const hist = newHistogram();
  const timeline: TimelinePoint[] = [];
  const scrapes: ScrapeSample[] = [];
  const statusCounts: Record<string, number> = {};
  const errors = { http_4xx: 0, http_429: 0, http_5xx: 0, timeout: 0, connection: 0, other: 0 };
  const failing = run.findings.includes('faults') || run.findings.includes('cascade');
  let processed = 0;
  let failed = 0;
  let cpu = 1;
  let dropped = 0;
  let offeredTotal = 0;
  const stageSums = Object.fromEntries([...STAGES, TOTAL_STAGE].map((s) => [s, { sum: 0, count: 0 }]));
  const sample = (t: number, queueDepth: number): ScrapeSample => ({
    t,
    queueDepth,
    activeWorkers: Math.min(256, queueDepth + 4),
    processed,
    successful: processed - failed,
    skipped: Math.floor(processed * run.payload.duplicateRatio),
    failed,
    failedByCode: failed > 0 ? { TFX_PERMANENT: failed } : {},
    dedupHits: Math.floor(processed * run.payload.duplicateRatio),
    retries: failing ? Math.floor(processed * 0.2) : 0,
    prsCreated: processed - failed,
    queueRejections: 0,
    injected: failing
      ? { bedrock_inference: { transient: Math.floor(processed * 0.2), permanent: failed } }
      : {},
    rssBytes: 200e6 + processed * 1000,
    cpuSeconds: cpu,
    stages: structuredClone(stageSums),
  });
  scrapes.push(sample(-0.5, 0));
  for (let t = 0; t < seconds; t++) {
    const planned = plannedRateAt(run.load, t);
    const offered = Math.round(
      planned ?? ('vus' in run.load ? run.load.vus : 'startVUs' in run.load ? run.load.startVUs + 5 : 10),
    );
    offeredTotal += offered;
    const achieved = Math.min(offered, CAPACITY);
    const overload = offered / CAPACITY;
    if (planned !== null) dropped += Math.max(0, offered - achieved);
    const base = 20 * repoFactor(run) * Math.max(1, overload ** 2);
    const latencies: number[] = [];
    const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    let errs = 0;
    for (let i = 0; i < achieved; i++) {
      const ms = base * Math.exp((rand() - 0.5) * 1.2) * (rand() < 0.02 ? 6 : 1);
      latencies.push(ms);
      hist.recordValue(toMicros(ms));
      buckets[bucketOf(ms)] = (buckets[bucketOf(ms)] ?? 0) + 1;
      const fails = failing && rand() < (overload > 1 ? 0.3 : 0.03);
      if (fails) errs++;
    }
    latencies.sort((a, b) => a - b);
    errors.http_5xx += errs;
    statusCounts['500'] = (statusCounts['500'] ?? 0) + errs;
    statusCounts['200'] = (statusCounts['200'] ?? 0) + achieved - errs;
    processed += achieved;
    failed += errs;
    cpu += achieved * 0.002 * repoFactor(run);
    for (const s of [...STAGES, TOTAL_STAGE]) {
      const entry = stageSums[s];
      if (entry === undefined) continue;
      entry.count += achieved;
      entry.sum += (achieved * base * (s === TOTAL_STAGE ? 1 : s === 'parse_terraform' ? 0.3 : 0.14)) / 1000;
    }
    timeline.push({
      t,
      requests: achieved,
      errors: errs,
      dropped: planned === null ? 0 : Math.max(0, offered - achieved),
      scheduled: planned === null ? 0 : offered,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
      activeVUs: Math.min(achieved, 50),
      buckets,
    });
    scrapes.push(sample(t + 1, Math.max(0, Math.round((overload - 1) * 40))));
  }
  const requests = timeline.reduce((t, p) => t + p.requests, 0);
  const result = runResultSchema.parse({
    engine: 'builtin',
    engineVersion: 'synthetic',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + seconds * 1000).toISOString(),
    durationSeconds: seconds,
    requests,
    iterations: requests,
    items: requests,
    statusCounts,
    errors,
    intendedRate: 'rate' in run.load || 'startRate' in run.load ? offeredTotal / seconds : null,
    achievedRate: requests / seconds,
    droppedIterations: dropped,
    latency: summarize(hist),
    histogram: encodeHistogram(hist),
    timeline,
    aborted: null,
  } satisfies RunResult);
  return { result, scrapes };
}

/** An errored run as the runner records it (no raw files). */
export function errorRunSummary(experiment: string): RunSummary {
  const template = loadProfile('smoke').runs[0];
  if (template === undefined) throw new Error('the smoke profile has no run');
  const run = {
    ...template,
    name: 'broken_run',
    description: 'A run whose mock configuration did not take.',
  };
  const error = new TerraFixError(
    'TFX_CONFIG',
    'mock configuration did not take: latency_ms: asked 50, server has 10',
    {
      category: 'config',
    },
  );
  return errorSummary(run, experiment, error);
}

/** Writes the folder and returns its summary. */
export async function writeSyntheticResults(dir: string, options: SyntheticOptions): Promise<Summary> {
  const seed = options.seed ?? 1;
  const experiments: ExperimentSummary[] = [];
  for (const name of options.experiments) {
    const profile = loadProfile(name);
    const exp: ExperimentSummary = { name, description: profile.description, runs: [], findings: {} };
    for (const [i, original] of profile.runs.entries()) {
      const run = scaleRun(original, options.scale ?? 0.5);
      const { result, scrapes } = simulate(run, i, seed);
      const folder = join(dir, name, run.name);
      await mkdir(folder, { recursive: true });
      const files = {
        result: `${name}/${run.name}/result.json`,
        scrapes: `${name}/${run.name}/scrapes.json`,
      };
      await writeFile(join(dir, files.result), JSON.stringify(result));
      await writeFile(join(dir, files.scrapes), JSON.stringify(scrapes));
      await writeFile(join(folder, 'profile.json'), JSON.stringify(run));
      exp.runs.push(summarizeRun(run, name, result, scrapes, true, files));
    }
    exp.findings = experimentFindings(exp);
    experiments.push(exp);
  }
  if (options.errorRun === true && experiments[0] !== undefined)
    experiments[0].runs.push(errorRunSummary(experiments[0].name));
  const summary = summarySchema.parse({
    schemaVersion: 1,
    tool: { name: 'terrafix', version: 'test', node: process.version },
    engine: { name: 'builtin', version: 'synthetic' },
    seed,
    durationScale: options.scale ?? 0.5,
    target: { url: 'http://127.0.0.1:8081', local: true },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T01:00:00.000Z',
    experiments,
    verdict: summaryVerdict(experiments),
  } satisfies Summary);
  await writeFile(join(dir, 'experiment_summary.json'), JSON.stringify(summary, null, 2));
  return summary;
}
