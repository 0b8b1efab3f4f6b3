/** What `terrafix experiments run` does once its options are parsed: choose the engine, run, report, print. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_ITERATIONS } from '../../../experiments/payloads.js';
import { K6Engine } from '../../../experiments/engine/k6-engine.js';
import type { LoadEngine } from '../../../experiments/engine/port.js';
import { ENGINE_VERSION } from '../../../experiments/engine/result.js';
import { experimentsFor } from '../../../experiments/profiles/load.js';
import { chooseEngine } from '../../../experiments/runner/engine-choice.js';
import { createProgress } from '../../../experiments/runner/progress.js';
import type { Env } from '../../config/load.js';
import { parseOptions, tolerancesOf } from '../tolerance-options.js';
import { runAndReport } from './run-and-report.js';

/** `--seed` and `--duration-scale`, shared with `experiments export`. */
export const seedSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
export const durationScaleSchema = z.coerce.number().positive().max(100);

/** Requests per run: payload ids stay unique and exact up to MAX_ITERATIONS (experiments/payloads.ts). */
export const maxRequestsSchema = z.coerce
  .number()
  .int()
  .positive()
  .max(MAX_ITERATIONS, `at most ${MAX_ITERATIONS} (payload ids stay unique and exact up to there)`);

const optionsSchema = z.object({
  experiment: z.string().min(1).optional(),
  profile: z.array(z.string().min(1)).default([]),
  host: z.string().optional(),
  allowRemote: z.boolean().default(false),
  local: z.boolean().default(false),
  engine: z.enum(['auto', 'k6', 'builtin']),
  output: z.string().min(1),
  seed: seedSchema,
  durationScale: durationScaleSchema,
  maxRequests: maxRequestsSchema.optional(),
  baseline: z.string().min(1).optional(),
  charts: z.boolean().default(true),
  report: z.boolean().default(true),
});

/** The engine's version line for the summary (k6 asks the binary). */
async function engineVersion(engine: LoadEngine): Promise<string> {
  if (engine instanceof K6Engine) return engine.version().catch(() => 'k6 (version unknown)');
  return ENGINE_VERSION;
}

/** This package's version, for summaries. */
export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Exit codes of a run ended by a signal (128 + the signal's number, as shells report it). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * SIGINT/SIGTERM abort the run (k6 and the --local server are stopped, finished runs and the summary kept);
 * a second signal exits at once. Returns the signal seen, if any, and a function that removes the handlers.
 */
function onSignals(controller: AbortController): {
  seen: () => NodeJS.Signals | undefined;
  remove: () => void;
} {
  let seen: 'SIGINT' | 'SIGTERM' | undefined;
  const handler = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (seen !== undefined) process.exit(SIGNAL_EXIT[signal]);
    seen = signal;
    process.stderr.write(`${signal}: stopping the load, keeping finished runs (again to exit at once)\n`);
    controller.abort(signal);
  };
  const int = (): void => handler('SIGINT');
  const term = (): void => handler('SIGTERM');
  process.on('SIGINT', int);
  process.on('SIGTERM', term);
  return {
    seen: () => seen,
    remove: () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    },
  };
}

/** `PASS (2 runs, 0 failed thresholds, 0 errors)`; an interrupted run set fails and says by what. */
function verdictLine(summary: {
  verdict: { passed: boolean; runs: number; failedThresholds: number; errors: number };
  interrupted?: string | undefined;
}): string {
  const v = summary.verdict;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const why = summary.interrupted === undefined ? '' : `interrupted by ${summary.interrupted}; `;
  return `${v.passed ? 'PASS' : 'FAIL'} (${why}${plural(v.runs, 'run')}, ${plural(v.failedThresholds, 'failed threshold')}, ${plural(v.errors, 'error')})`;
}

/** Runs `experiments run` on raw commander options. */
export async function runExperimentsCommand(raw: Record<string, unknown>, env: Env): Promise<void> {
  const o = parseOptions(optionsSchema, raw);
  const engine = chooseEngine(o.engine, env.PATH, env);
  const controller = new AbortController();
  const signals = onSignals(controller);
  const secret = env.TERRAFIX_WEBHOOK_SECRET;
  const outcome = await runAndReport({
    experiments: experimentsFor(o.experiment ?? (o.profile.length > 0 ? 'none' : 'all')),
    profileFiles: o.profile,
    host: o.host,
    allowRemote: o.allowRemote,
    ...(secret === undefined || secret === '' ? {} : { webhookSecret: secret }),
    signal: controller.signal,
    local: o.local,
    engine,
    engineVersion: await engineVersion(engine),
    output: o.output,
    seed: o.seed,
    durationScale: o.durationScale,
    toolVersion: toolVersion(),
    progress: createProgress(process.stdout),
    env,
    ...(o.maxRequests === undefined ? {} : { maxRequestsPerRun: o.maxRequests }),
    ...(o.baseline === undefined ? {} : { baseline: o.baseline }),
    tolerances: tolerancesOf(raw),
    report: o.report,
    charts: o.charts,
  }).finally(() => signals.remove());
  if (outcome.summaryPath !== undefined) process.stdout.write(`Summary: ${outcome.summaryPath}\n`);
  if (outcome.summary !== undefined) {
    process.stdout.write(`Verdict: ${verdictLine(outcome.summary)}\n`);
  }
  const signal = signals.seen();
  process.exitCode = signal === undefined ? outcome.exitCode : SIGNAL_EXIT[signal as 'SIGINT' | 'SIGTERM'];
}
