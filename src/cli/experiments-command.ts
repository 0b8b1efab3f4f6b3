import type { Command } from 'commander';
import type { Env } from '../config/load.js';
import { withToleranceOptions } from './tolerance-options.js';

/** The guide's runner default: TERRAFIX_API_HOST when it holds a URL (the server uses it as a bind address otherwise). */
function defaultHost(env: Env): string {
  const host = env.TERRAFIX_API_HOST;
  return host !== undefined && /^https?:\/\//.test(host) ? host : 'http://127.0.0.1:8081';
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
      // The runner, engines and report code load only when experiments run.
      const { runExperimentsCommand } = await import('./lab/experiments-run.js');
      await runExperimentsCommand(raw, env);
    });
}
