/** What `terrafix report` does once its options are parsed: rebuild every report, compare, print, set the exit code. */
import { buildReports, type ReportOutcome } from '../../../reports/build-reports.js';
import { EXIT } from '../exit-codes.js';
import { z } from 'zod';
import { parseOptions, toleranceSchema, tolerancesOf } from '../tolerance-options.js';

const reportOptionsSchema = toleranceSchema.extend({
  input: z.string({ error: 'is required (a result folder with experiment_summary.json)' }).min(1),
  baseline: z.string().min(1).optional(),
  output: z.string().min(1).optional(),
  charts: z.boolean().default(true),
});

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

/** Runs the `report` command on raw commander options. */
export async function runReportCommand(raw: Record<string, unknown>): Promise<void> {
  const o = parseOptions(reportOptionsSchema, raw);
  const outcome = await buildReports(o.input, o.output ?? o.input, {
    tolerances: tolerancesOf(raw),
    charts: o.charts,
    ...(o.baseline === undefined ? {} : { baseline: o.baseline }),
  });
  process.stdout.write(describeReport(outcome));
  process.exitCode = outcome.regressed ? EXIT.regression : EXIT.ok;
}
