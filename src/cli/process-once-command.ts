import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadApiServerConfig } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { composeSimulated } from '../composition/simulated.js';
import { createLogger } from '../observability/logger.js';
import { nullObserver } from '../pipeline/observer.js';
import { TerraFixError } from '../pipeline/errors.js';
import { failureSchema } from '../pipeline/failure.js';
import { parseOrThrow } from '../pipeline/validate-input.js';
import { resultView } from '../api-server/result-view.js';
import { EXIT } from './exit-codes.js';

interface Options {
  failureJson: string;
  mock?: boolean;
  json?: boolean;
}

async function readFailure(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TerraFixError('TFX_CONFIG', `cannot read --failure-json ${path}`, {
      category: 'config',
      cause: error,
      field: '--failure-json',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TerraFixError('TFX_CONFIG', `--failure-json ${path} is not valid JSON: ${reason}`, {
      category: 'config',
      field: '--failure-json',
    });
  }
}

/** `terrafix process-once --failure-json FILE --mock`: one failure through the mock pipeline; outcome, timings, diff. */
export function processOnceCommand(program: Command, env: Env): void {
  program
    .command('process-once')
    .description(
      'Process one failure record and print the outcome, the stage timings and the diff of the fix',
    )
    .requiredOption('--failure-json <file>', 'failure record (JSON object; see docs/api.md "Failure record")')
    .option('--mock', 'use simulated Vanta, git, Bedrock and GitHub (required until the real adapters land)')
    .option('--json', 'print the result as JSON')
    .action(async (options: Options) => {
      if (options.mock !== true) {
        throw new TerraFixError(
          'TFX_CONFIG',
          'real mode needs the service adapters, which are not available in this build; pass --mock',
          {
            category: 'config',
            field: '--mock',
          },
        );
      }
      const config = loadApiServerConfig(env);
      const raw = await readFailure(options.failureJson);
      let parsed;
      try {
        parsed = parseOrThrow(failureSchema, raw, 'failure record');
      } catch (error) {
        // A bad record is a usage error (exit 2), and the message names the field.
        throw new TerraFixError('TFX_CONFIG', (error as Error).message, { category: 'config', cause: error });
      }
      const mock = composeSimulated(
        { ...config, parse: { ...config.parse, workers: 1 } },
        {
          // Logs go to stderr so stdout carries only the result (`--json` stays parseable).
          logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2)),
          observer: nullObserver,
        },
      );
      try {
        const result = await mock.pipeline.process(parsed, { keepDiff: true });
        const view = resultView(result);
        if (options.json === true) {
          process.stdout.write(
            `${JSON.stringify({ ...view, diff: result.diff ?? null, usage: result.usage ?? null }, null, 2)}\n`,
          );
        } else {
          const lines = [`Outcome: ${result.outcome.kind}`, `Failure hash: ${result.key}`];
          if (result.outcome.kind === 'completed')
            lines.push(
              `Successfully created PR: ${result.outcome.prUrl}`,
              `Validation: ${result.outcome.validation}`,
              `Fix source: ${result.outcome.fix.source === 'playbook' ? `playbook ${result.outcome.fix.playbook ?? ''}` : 'model'}`,
            );
          if (result.outcome.kind === 'skipped_duplicate')
            lines.push('Failure was already processed (skipped)');
          if (result.outcome.kind === 'failed')
            lines.push(
              `Failed to process failure: [${result.outcome.code}] at ${result.outcome.stage}: ${result.outcome.message}`,
            );
          lines.push('Stage timings (ms):');
          for (const [stage, ms] of Object.entries(result.timings))
            lines.push(`  ${stage.padEnd(18)} ${ms.toFixed(2)}`);
          if (result.usage !== undefined)
            lines.push(
              `Model tokens: ${result.usage.inputTokens} in, ${result.usage.outputTokens} out (simulated)`,
            );
          if (result.diff !== undefined && result.diff !== '') lines.push('Diff:', result.diff);
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        process.exitCode = result.outcome.kind === 'failed' ? EXIT.failed : EXIT.ok;
      } finally {
        await mock.close();
      }
    });
}
