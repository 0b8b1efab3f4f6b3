#!/usr/bin/env node
import { CommanderError } from 'commander';
import { TerraFixError } from '../pipeline/errors.js';
import { redactText } from '../pipeline/redact.js';
import { EXIT } from './exit-codes.js';
import { buildProgram } from './program.js';

async function main(): Promise<void> {
  const program = buildProgram(process.env);
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Error: ${redactText(message)}\n`);
    process.exitCode = !(error instanceof TerraFixError)
      ? EXIT.failed
      : error.category === 'config'
        ? EXIT.usage
        : error.code === 'TFX_UNREACHABLE'
          ? EXIT.unreachable
          : EXIT.failed;
  }
}

void main();
