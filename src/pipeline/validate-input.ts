import type { z } from 'zod';
import { TerraFixError } from './errors.js';

export interface FieldIssue {
  /** Dotted path of the offending field (`required_state`, `items.3.test_id`); `(root)` for the value itself. */
  field: string;
  message: string;
}

/** Turns zod issues into field-named issues, prefixing each path with `prefix` when given. */
export function fieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [...(prefix === undefined ? [] : [prefix]), ...issue.path.map(String)];
    return { field: path.length === 0 ? '(root)' : path.join('.'), message: issue.message };
  });
}

/** Parses `input` or throws a validation TerraFixError whose message names every bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  prefix?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error, prefix);
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  const error = new TerraFixError('TFX_INVALID_INPUT', `invalid ${what}: ${summary}`, {
    category: 'validation',
    cause: result.error,
    field: issues[0]?.field ?? '(root)',
  });
  Object.defineProperty(error, 'issues', { value: issues, enumerable: false });
  throw error;
}

/** The field issues attached by parseOrThrow, if any. */
export function issuesOf(error: unknown): FieldIssue[] | undefined {
  if (typeof error !== 'object' || error === null || !('issues' in error)) return undefined;
  const issues = error.issues;
  return Array.isArray(issues) ? (issues as FieldIssue[]) : undefined;
}
