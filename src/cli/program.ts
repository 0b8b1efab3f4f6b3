import { Command } from 'commander';
import { analyzeCommand } from './analyze-command.js';
import { apiServerCommand } from './api-server-command.js';
import { experimentsCommand } from './experiments-command.js';
import { processOnceCommand } from './process-once-command.js';
import { reportCommand } from './report-command.js';
import { cleanupCommand, statsCommand } from './state-commands.js';

/** Builds the `terrafix` program over `env` (tests pass their own). */
export function buildProgram(env: NodeJS.ProcessEnv): Command {
  const program = new Command('terrafix')
    .description(
      'TerraFix: Terraform pull requests for failing compliance tests, plus its load-testing harness',
    )
    .showHelpAfterError()
    .exitOverride();
  apiServerCommand(program, env);
  processOnceCommand(program, env);
  analyzeCommand(program, env);
  statsCommand(program, env);
  cleanupCommand(program, env);
  experimentsCommand(program, env);
  reportCommand(program, env);
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 processing or threshold failure, 2 usage or configuration error, 3 target unreachable, 4 regression.',
  );
  return program;
}
