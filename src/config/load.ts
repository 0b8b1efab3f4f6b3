import type { z } from 'zod';
import { TerraFixError } from '../pipeline/errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates `env` against a schema whose keys are variable names. Blank values count as unset so defaults apply.
 * The error names every bad variable (never its value: it may be a secret).
 */
export function loadEnv<S extends z.ZodObject>(schema: S, env: Env): z.output<S> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value;
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new TerraFixError('TFX_CONFIG', `invalid configuration: ${problems.join('; ')}`, {
    category: 'config',
    field: String(result.error.issues[0]?.path[0] ?? '(env)'),
  });
}
