import type { Command } from 'commander';
import type { Env } from '../config/load.js';
import { withToleranceOptions } from './tolerance-options.js';

/** The guide's runner default: TERRAFIX_API_HOST when it holds a URL (the server uses it as a bind address otherwise). */
function defaultHost(env: Env): string {
  const host = env.TERRAFIX_API_HOST;
  return host !== undefined && /^https?:\/\//.test(host) ? host : 'http://127.0.0.1:8081';
}

/** Collects a repeatable option's values. */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `terrafix experiments run|list|export`: the load-testing harness. */
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
      'throughput|resilience|scalability|burst|cascade|smoke, a comma list, or all (default: all, none with --profile)',
    )
    .option(
      '-p, --profile <file>',
      'run an experiment profile file of your own (repeatable), validated like the shipped ones',
      collect,
    )
    .option(
      '-H, --host <url>',
      'target base URL, loopback unless --allow-remote (default: TERRAFIX_API_HOST when it is a URL)',
      defaultHost(env),
    )
    .option(
      '--allow-remote',
      'allow a --host that is not this machine (a warning names it); requests are signed when TERRAFIX_WEBHOOK_SECRET is set',
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
      '\nExit codes: 0 pass, 1 a threshold failed, 2 usage or configuration error, 3 target unreachable, 4 regression against the baseline, 130/143 interrupted by SIGINT/SIGTERM (finished runs kept).',
    )
    .action(async (raw: Record<string, unknown>) => {
      // The runner, engines and report code load only when experiments run.
      const { runExperimentsCommand } = await import('./lab/experiments-run.js');
      await runExperimentsCommand(raw, env);
    });
  experiments
    .command('list')
    .description('List the experiments (shipped and --profile files) and their runs')
    .option('-p, --profile <file>', 'also list this profile file (repeatable)', collect)
    .action(async (raw: Record<string, unknown>) => {
      const { listExperimentsCommand } = await import('./lab/experiments-export.js');
      listExperimentsCommand(raw);
    });
  experiments
    .command('export')
    .description(
      'Write an experiment for plain k6: script, one spec per run, the commands (with the mock reset) and a k6-operator TestRun',
    )
    .option('-e, --experiment <name>', 'a shipped experiment (or use --profile)')
    .option('-p, --profile <file>', 'a profile file of your own')
    .requiredOption('-o, --output <dir>', 'folder to write')
    .option('-H, --host <url>', 'target base URL written into the specs', defaultHost(env))
    .option('--seed <n>', 'seed of payloads', '1')
    .option('--duration-scale <f>', 'multiply every duration', '1')
    .option('--max-requests <n>', 'upper bound of requests per run', '2000000')
    .option('--parallelism <n>', 'k6-operator runners in the TestRun manifest', '1')
    .action(async (raw: Record<string, unknown>) => {
      const { exportExperimentCommand } = await import('./lab/experiments-export.js');
      await exportExperimentCommand(raw);
    });
}
