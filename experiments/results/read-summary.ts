/** Reads and validates experiment_summary.json; every error names the file and the offending field. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { fieldIssues } from '../../src/pipeline/validate-input.js';
import { type Summary, summarySchema } from './summary-schema.js';

export const SUMMARY_FILE = 'experiment_summary.json';

/** Validates a parsed summary; `source` names it in the error (`invalid summary x.json: experiments.0.runs.1.requests: ...`). */
export function parseSummary(data: unknown, source: string): Summary {
  const result = summarySchema.safeParse(data);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new TerraFixError(
    'TFX_CONFIG',
    `invalid summary ${source}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { category: 'config', field: issues[0]?.field ?? '(root)', cause: result.error },
  );
}

/** Reads a JSON file, turning a missing file or bad JSON into a configuration error naming `what`. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TerraFixError('TFX_CONFIG', `${what}: cannot read ${path}`, {
      category: 'config',
      field: what,
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TerraFixError('TFX_CONFIG', `${what}: ${path} is not valid JSON: ${(error as Error).message}`, {
      category: 'config',
      field: what,
      cause: error,
    });
  }
}

/** The summary file of a result folder, or the file itself when `path` is one. */
export async function summaryPathOf(path: string, what: string): Promise<string> {
  const info = await stat(path).catch((error: unknown) => {
    throw new TerraFixError('TFX_CONFIG', `${what}: ${path} does not exist`, {
      category: 'config',
      field: what,
      cause: error,
    });
  });
  return info.isDirectory() ? join(path, SUMMARY_FILE) : path;
}

/** Reads and validates the summary of a result folder or summary file. */
export async function readSummary(path: string, what = '--input'): Promise<Summary> {
  const file = await summaryPathOf(path, what);
  return parseSummary(await readJsonFile(file, what), file);
}
