import type { Command } from 'commander';
import { loadApiServerConfig } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { analyzeLocal, type LocalAnalysis } from '../composition/analyze-local.js';
import { deterministicFixGenerator } from '../composition/simulated.js';
import { EXIT } from './exit-codes.js';
import { readFailureFile } from './failure-file.js';

interface Options {
  repo: string;
  failureJson: string;
  json?: boolean;
}

function textReport(a: LocalAnalysis): string {
  const lines = [
    `Failure hash: ${a.key}`,
    `Resource: ${a.address} in ${a.path}`,
    `Related blocks: ${a.related.length === 0 ? '(none)' : a.related.join(', ')}`,
    `Changed attributes: ${a.fix.changedAttributes.join(', ')}`,
    a.check.ok ? `Validation: ${a.check.summary}` : `Validation failed: [${a.check.code}] ${a.check.reason}`,
    `Terraform: ${a.terraform}`,
    `Explanation: ${a.fix.explanation}`,
    'Diff:',
    a.diff,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `terrafix analyze --repo DIR --failure-json FILE`: locate the resource in a local Terraform root, print the fix
 * and its validation. No network: the deterministic fixer writes the fix (playbooks once they land), and terraform
 * validate runs only against an offline provider mirror.
 */
export function analyzeCommand(program: Command, env: Env): void {
  program
    .command('analyze')
    .description(
      'Locate a failure in a local Terraform root and print the fix and its validation (no network)',
    )
    .requiredOption('--repo <dir>', 'the Terraform root to search (a local checkout)')
    .requiredOption('--failure-json <file>', 'failure record (JSON object; see docs/api.md "Failure record")')
    .option('--json', 'print the analysis as JSON')
    .action(async (options: Options) => {
      const config = loadApiServerConfig(env);
      const failure = await readFailureFile(options.failureJson);
      const analysis = await analyzeLocal({
        root: options.repo,
        failure,
        generator: deterministicFixGenerator(),
        terraform: config.terraform,
      });
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(
              {
                failure_hash: analysis.key,
                path: analysis.path,
                address: analysis.address,
                related: analysis.related,
                changed_attributes: analysis.fix.changedAttributes,
                validation: analysis.check,
                terraform: analysis.terraform,
                explanation: analysis.fix.explanation,
                diff: analysis.diff,
              },
              null,
              2,
            )}\n`
          : textReport(analysis),
      );
      process.exitCode = analysis.check.ok ? EXIT.ok : EXIT.failed;
    });
}
