import { readFile } from 'node:fs/promises';
import { TerraFixError } from '../pipeline/errors.js';
import { type Failure, failureSchema } from '../pipeline/failure.js';
import { parseOrThrow } from '../pipeline/validate-input.js';

/** Reads and validates `--failure-json FILE`; every problem is a usage error (exit 2) naming the flag or field. */
export async function readFailureFile(path: string): Promise<Failure> {
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
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TerraFixError('TFX_CONFIG', `--failure-json ${path} is not valid JSON: ${reason}`, {
      category: 'config',
      field: '--failure-json',
    });
  }
  try {
    return parseOrThrow(failureSchema, raw, 'failure record');
  } catch (error) {
    throw new TerraFixError('TFX_CONFIG', (error as Error).message, { category: 'config', cause: error });
  }
}
