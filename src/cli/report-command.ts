import type { Command } from 'commander';
import { z } from 'zod';
import type { Env } from '../config/load.js';
import { TerraFixError } from '../pipeline/errors.js';
import { fieldIssues } from '../pipeline/validate-input.js';
import { buildReports, type ReportOutcome } from '../../reports/build-reports.js';
import { DEFAULT_TOLERANCES, type Tolerances } from '../../reports/compare.js';
import { EXIT } from './exit-codes.js';

const tolerance = (max: number) => z.coerce.number().min(0).max(max);

const toleranceSchema = z.object({
  p95Tolerance: tolerance(100),
  rateTolerance: tolerance(1),
  errorRateTolerance: tolerance(1),
});

const optionsSchema = toleranceSchema.extend({
  input: z.string({ error: 'is required (a result folder with experiment_summary.json)' }).min(1),
  baseline: z.string().min(1).optional(),
  output: z.string().min(1).optional(),
  charts: z.boolean().default(true),
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

/** What `report` (and the runner) prints about the reports it wrote. */
export function describeReport(outcome: ReportOutcome): string {
  const lines = [`Summary: ${outcome.summaryPath}`, `HTML report: ${outcome.htmlPath}`];
  if (outcome.chartsReportPath !== undefined)
    lines.push(`Charts: ${outcome.charts.length} PNGs, ${outcome.chartsReportPath}`);
  for (const s of outcome.skippedCharts) lines.push(`  not drawn: ${s.title} (${s.reason})`);
  const c = outcome.comparison;
  if (c !== undefined) {
    lines.push(
      `Baseline: ${c.regressed ? 'REGRESSION' : 'no regression'} (${c.regressions} of ${c.runs.length} compared runs regressed)`,
    );
    for (const r of c.runs.filter((x) => x.regressed))
      lines.push(`  ${r.experiment}/${r.run}: ${r.reasons.join('; ')}`);
    if (c.missingInBaseline.length > 0)
      lines.push(`  not in the baseline: ${c.missingInBaseline.join(', ')}`);
    if (c.missingInCurrent.length > 0) lines.push(`  only in the baseline: ${c.missingInCurrent.join(', ')}`);
    for (const w of c.warnings) lines.push(`  note: ${w}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `terrafix report`: rebuilds every report from a result folder's raw files, optionally against a baseline. */
export function reportCommand(program: Command, _env: Env): void {
  const command = program
    .command('report')
    .description(
      'Rebuild experiment_summary.json, experiment_summary.html, charts/*.png and charts_report.html from a result folder',
    )
    .option('-i, --input <dir>', 'result folder written by `experiments run`')
    .option('-b, --baseline <dir|file>', 'result folder or experiment_summary.json to compare with')
    .option('-o, --output <dir>', 'where to write the reports (default: the input folder)')
    .option('--no-charts', 'skip the PNG charts and charts_report.html');
  withToleranceOptions(command)
    .addHelpText(
      'after',
      '\nExit codes: 0 reports written (no regression), 2 usage or invalid input, 4 regression against the baseline.',
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseOptions(optionsSchema, raw);
      const outcome = await buildReports(o.input, o.output ?? o.input, {
        tolerances: tolerancesOf(raw),
        charts: o.charts,
        ...(o.baseline === undefined ? {} : { baseline: o.baseline }),
      });
      process.stdout.write(describeReport(outcome));
      process.exitCode = outcome.regressed ? EXIT.regression : EXIT.ok;
    });
}
