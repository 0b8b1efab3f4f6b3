/** What `terrafix experiments run` does once its options are parsed: choose the engine, run, report, print. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { K6Engine } from '../../../experiments/engine/k6-engine.js';
import type { LoadEngine } from '../../../experiments/engine/port.js';
import { ENGINE_VERSION } from '../../../experiments/engine/result.js';
import { experimentsFor } from '../../../experiments/profiles/load.js';
import { chooseEngine } from '../../../experiments/runner/engine-choice.js';
import { createProgress } from '../../../experiments/runner/progress.js';
import type { Env } from '../../config/load.js';
import { parseOptions, tolerancesOf } from '../tolerance-options.js';
import { runAndReport } from './run-and-report.js';

const optionsSchema = z.object({
  experiment: z.string().min(1),
  host: z.string().optional(),
  local: z.boolean().default(false),
  engine: z.enum(['auto', 'k6', 'builtin']),
  output: z.string().min(1),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  durationScale: z.coerce.number().positive().max(100),
  maxRequests: z.coerce.number().int().positive().optional(),
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

/** Runs `experiments run` on raw commander options. */
export async function runExperimentsCommand(raw: Record<string, unknown>, env: Env): Promise<void> {
  const o = parseOptions(optionsSchema, raw);
  const engine = chooseEngine(o.engine, env.PATH);
  const outcome = await runAndReport({
    experiments: experimentsFor(o.experiment),
    host: o.host,
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
  });
  if (outcome.summaryPath !== undefined) process.stdout.write(`Summary: ${outcome.summaryPath}\n`);
  if (outcome.summary !== undefined) {
    const v = outcome.summary.verdict;
    process.stdout.write(
      `Verdict: ${v.passed ? 'PASS' : 'FAIL'} (${v.runs} runs, ${v.failedThresholds} failed thresholds, ${v.errors} errors)\n`,
    );
  }
  process.exitCode = outcome.exitCode;
}
