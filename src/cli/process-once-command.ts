import type { Command } from 'commander';
import { pino } from 'pino';
import { resultView } from '../api-server/result-view.js';
import { type ApiServerConfig, loadApiServerConfig } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { composeSimulated } from '../composition/simulated.js';
import { createLogger } from '../observability/logger.js';
import { TerraFixError } from '../pipeline/errors.js';
import type { Failure } from '../pipeline/failure.js';
import { nullObserver } from '../pipeline/observer.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import { EXIT } from './exit-codes.js';
import { readFailureFile } from './failure-file.js';
import type { RealRun } from './real-run.js';

interface Options {
  failureJson: string;
  mock?: boolean;
  json?: boolean;
  dryRun?: boolean;
  output: string;
}

/** One failure through mock mode's simulated services. */
async function runMock(config: ApiServerConfig, failure: Failure): Promise<RealRun> {
  const mock = composeSimulated(
    { ...config, parse: { ...config.parse, workers: 1 } },
    {
      // Logs go to stderr so stdout carries only the result (`--json` stays parseable).
      logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2)),
      observer: nullObserver,
    },
  );
  try {
    return { result: await mock.pipeline.process(failure, { keepDiff: true }), simulated: true };
  } finally {
    await mock.close();
  }
}

function textReport(run: RealRun): string {
  const { result } = run;
  const lines = [`Outcome: ${result.outcome.kind}`, `Failure hash: ${result.key}`];
  if (result.outcome.kind === 'completed') {
    lines.push(
      run.dryRunDir === undefined
        ? `Successfully created PR: ${result.outcome.prUrl}`
        : `Dry run: would-be PR written to ${run.dryRunDir} (body.md, fix.patch, pr.json)`,
      `Validation: ${result.outcome.validation}`,
      `Fix source: ${result.outcome.fix.source === 'playbook' ? `playbook ${result.outcome.fix.playbook ?? ''}` : 'model'}`,
    );
  }
  if (result.outcome.kind === 'skipped_duplicate') lines.push('Failure was already processed (skipped)');
  if (result.outcome.kind === 'failed')
    lines.push(
      `Failed to process failure: [${result.outcome.code}] at ${result.outcome.stage}: ${result.outcome.message}`,
    );
  lines.push('Stage timings (ms):');
  for (const [stage, ms] of Object.entries(result.timings))
    lines.push(`  ${stage.padEnd(18)} ${ms.toFixed(2)}`);
  if (result.usage !== undefined) {
    const suffix = run.simulated
      ? ' (simulated)'
      : run.model === undefined
        ? ' (no model call)'
        : ` (${run.model}${run.costUsd === undefined ? '' : `, $${run.costUsd.toFixed(4)}`})`;
    lines.push(`Model tokens: ${result.usage.inputTokens} in, ${result.usage.outputTokens} out${suffix}`);
  }
  if (result.diff !== undefined && result.diff !== '') lines.push('Diff:', result.diff);
  return `${lines.join('\n')}\n`;
}

function jsonReport(run: RealRun): string {
  const { result } = run;
  return `${JSON.stringify(
    {
      ...resultView(result),
      diff: result.diff ?? null,
      usage: result.usage ?? null,
      ...(run.dryRunDir === undefined ? {} : { dry_run_dir: run.dryRunDir }),
    },
    null,
    2,
  )}\n`;
}

function exitCodeOf(result: ProcessResult): number {
  return result.outcome.kind === 'failed' ? EXIT.failed : EXIT.ok;
}

/**
 * `terrafix process-once --failure-json FILE`: one failure through the pipeline and the outcome, timings and diff.
 * Real adapters unless `--mock` or TERRAFIX_MOCK_MODE=true; `--dry-run` stops before the push and the PR.
 */
export function processOnceCommand(program: Command, env: Env): void {
  program
    .command('process-once')
    .description(
      'Process one failure record and print the outcome, the stage timings and the diff of the fix',
    )
    .requiredOption('--failure-json <file>', 'failure record (JSON object; see docs/api.md "Failure record")')
    .option('--mock', 'use simulated Vanta, git, Bedrock and GitHub (same as TERRAFIX_MOCK_MODE=true)')
    .option(
      '--dry-run',
      'real mode: do everything but the push and the PR; write the would-be PR to --output',
    )
    .option('--output <dir>', 'where --dry-run writes body.md, fix.patch and pr.json', 'terrafix-dry-run')
    .option('--json', 'print the result as JSON')
    .action(async (options: Options) => {
      const config = loadApiServerConfig(env);
      const mock = options.mock === true || config.mockMode;
      if (mock && options.dryRun === true) {
        throw new TerraFixError(
          'TFX_CONFIG',
          '--dry-run applies to real mode; mock mode pushes nothing anyway (drop --mock / TERRAFIX_MOCK_MODE)',
          { category: 'config', field: '--dry-run' },
        );
      }
      const failure = await readFailureFile(options.failureJson);
      const run = mock
        ? await runMock(config, failure)
        : await (
            await import('./real-run.js')
          ).runReal(config, env, failure, options.dryRun === true ? options.output : undefined);
      process.stdout.write(options.json === true ? jsonReport(run) : textReport(run));
      process.exitCode = exitCodeOf(run.result);
    });
}
