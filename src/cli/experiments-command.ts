import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import type { Env } from '../config/load.js';
import { TerraFixError } from '../pipeline/errors.js';
import { fieldIssues } from '../pipeline/validate-input.js';
import { experimentsFor } from '../../experiments/profiles/load.js';
import { chooseEngine } from '../../experiments/runner/engine-choice.js';
import { K6Engine } from '../../experiments/engine/k6-engine.js';
import type { LoadEngine } from '../../experiments/engine/port.js';
import { ENGINE_VERSION } from '../../experiments/engine/result.js';
import { createProgress } from '../../experiments/runner/progress.js';
import { runExperiments } from '../../experiments/runner/run-experiments.js';
import { tolerancesOf, withToleranceOptions } from './report-command.js';

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

/** The guide's runner default: TERRAFIX_API_HOST when it holds a URL (the server uses it as a bind address otherwise). */
function defaultHost(env: Env): string {
  const host = env.TERRAFIX_API_HOST;
  return host !== undefined && /^https?:\/\//.test(host) ? host : 'http://127.0.0.1:8081';
}

/** The engine's version line for the summary (k6 asks the binary). */
async function engineVersion(engine: LoadEngine): Promise<string> {
  if (engine instanceof K6Engine) return engine.version().catch(() => 'k6 (version unknown)');
  return ENGINE_VERSION;
}

/** This package's version, for summaries. */
export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `terrafix experiments run`: the load-testing harness. */
export function experimentsCommand(program: Command, env: Env): void {
  const experiments = program
    .command('experiments')
    .description('Load-testing harness: throughput, resilience, scalability, burst, cascade, smoke');
  const run = experiments
    .command('run')
    .description(
      'Run experiments against a TerraFix API server and write a result folder with experiment_summary.json',
    )
    .option(
      '-e, --experiment <names>',
      'throughput|resilience|scalability|burst|cascade|smoke, a comma list, or all',
      'all',
    )
    .option(
      '-H, --host <url>',
      'target base URL, loopback only (default: TERRAFIX_API_HOST when it is a URL)',
      defaultHost(env),
    )
    .option('-l, --local', 'start a mock-mode API server for the run on a free port, and stop it at the end')
    .option('--engine <engine>', 'auto (k6 when on PATH) | k6 | builtin', 'auto')
    .option('-o, --output <dir>', 'result folder', env.TERRAFIX_OUTPUT_DIR ?? './experiment_results')
    .option('--seed <n>', 'seed of payloads and simulated faults', '1')
    .option('--duration-scale <f>', 'multiply every duration (0.1 = a tenth as long)', '1')
    .option('--max-requests <n>', 'upper bound of requests per run')
    .option(
      '-b, --baseline <dir|file>',
      'compare with this result folder or experiment_summary.json (exit 4 on regression)',
    )
    .option('--no-charts', 'skip the PNG charts and charts_report.html')
    .option('--no-report', 'write experiment_summary.json only (no HTML, no charts)');
  withToleranceOptions(run)
    .addHelpText(
      'after',
      '\nExit codes: 0 pass, 1 a threshold failed, 2 usage or configuration error, 3 target unreachable, 4 regression against the baseline.',
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = fieldIssues(parsed.error)[0];
        throw new TerraFixError(
          'TFX_CONFIG',
          `--${String(issue?.field).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue?.message}`,
          {
            category: 'config',
          },
        );
      }
      const o = parsed.data;
      const engine = chooseEngine(o.engine, env.PATH);
      const outcome = await runExperiments({
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
    });
}
