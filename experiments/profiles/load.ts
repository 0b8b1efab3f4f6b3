import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { fieldIssues } from '../../src/pipeline/validate-input.js';
import { EXPERIMENT_NAMES, type ExperimentName, type ExperimentProfile, experimentSchema } from './schema.js';

/** The profiles shipped in the package (experiments/profiles/*.json), found from this module's location. */
export function defaultProfilesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // Compiled code runs from dist/experiments/profiles; the JSON stays in experiments/profiles at the root.
  for (let i = 0; i < 5; i++) {
    try {
      readFileSync(join(dir, 'package.json'));
      return join(dir, 'experiments', 'profiles');
    } catch {
      dir = dirname(dir);
    }
  }
  return dirname(fileURLToPath(import.meta.url));
}

/** Validates a profile object; the error names the file and every bad field (`runs.2.load.rate`). */
export function parseProfile(data: unknown, source: string): ExperimentProfile {
  const result = experimentSchema.safeParse(data);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new TerraFixError(
    'TFX_CONFIG',
    `invalid profile ${source}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    {
      category: 'config',
      field: issues[0]?.field ?? '(root)',
    },
  );
}

/** Reads and validates `<dir>/<name>.json`. */
export function loadProfile(name: ExperimentName, dir = defaultProfilesDir()): ExperimentProfile {
  const path = join(dir, `${name}.json`);
  const profile = loadProfileFile(path);
  if (profile.name !== name) {
    throw new TerraFixError('TFX_CONFIG', `profile ${path}: name: must be "${name}" (the file name)`, {
      category: 'config',
      field: 'name',
    });
  }
  return profile;
}

/** Reads and validates a profile file from anywhere (`--profile FILE`), with the shipped profiles' rules. */
export function loadProfileFile(path: string): ExperimentProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TerraFixError('TFX_CONFIG', `cannot read profile ${path}`, {
      category: 'config',
      cause: error,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TerraFixError('TFX_CONFIG', `profile ${path} is not valid JSON: ${(error as Error).message}`, {
      category: 'config',
    });
  }
  return parseProfile(data, path);
}

/** `all` expands to every experiment except smoke (which is CI's own); `none` to none (only --profile files). */
export function experimentsFor(selection: string): ExperimentName[] {
  if (selection === 'all') return EXPERIMENT_NAMES.filter((n) => n !== 'smoke');
  if (selection === 'none') return [];
  const names = selection.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(EXPERIMENT_NAMES as readonly string[]).includes(n)) {
      throw new TerraFixError(
        'TFX_CONFIG',
        `--experiment: unknown experiment "${n}" (one of ${EXPERIMENT_NAMES.join(', ')}, all)`,
        {
          category: 'config',
          field: '--experiment',
        },
      );
    }
  }
  return names as ExperimentName[];
}
