/** Option parsing shared by the lab commands (`experiments run`, `report`); light, so `--help` loads no lab code. */
import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_TOLERANCES, type Tolerances } from '../../experiments/results/tolerances.js';
import { TerraFixError } from '../pipeline/errors.js';
import { fieldIssues } from '../pipeline/validate-input.js';

const tolerance = (max: number) => z.coerce.number().min(0).max(max);

export const toleranceSchema = z.object({
  p95Tolerance: tolerance(100),
  rateTolerance: tolerance(1),
  errorRateTolerance: tolerance(1),
});

/** `--p95Tolerance` → `--p95-tolerance`. */
const flag = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Parses raw commander options or throws a configuration error naming the flag. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = fieldIssues(parsed.error)[0];
  throw new TerraFixError('TFX_CONFIG', `${flag(String(issue?.field))}: ${issue?.message}`, {
    category: 'config',
    field: flag(String(issue?.field)),
  });
}

/** Adds the three regression tolerances to a command (shared by `report` and `experiments run`). */
export function withToleranceOptions(command: Command): Command {
  return command
    .option(
      '--p95-tolerance <ratio>',
      'relative p95 increase that is still fine',
      String(DEFAULT_TOLERANCES.p95),
    )
    .option(
      '--rate-tolerance <ratio>',
      'relative achieved-rate decrease that is still fine',
      String(DEFAULT_TOLERANCES.achievedRate),
    )
    .option(
      '--error-rate-tolerance <points>',
      'absolute error-rate increase that is still fine (0.01 = 1 percentage point)',
      String(DEFAULT_TOLERANCES.errorRate),
    );
}

/** The tolerances of parsed options. */
export function tolerancesOf(raw: unknown): Tolerances {
  const t = parseOptions(toleranceSchema, raw);
  return { p95: t.p95Tolerance, achievedRate: t.rateTolerance, errorRate: t.errorRateTolerance };
}
