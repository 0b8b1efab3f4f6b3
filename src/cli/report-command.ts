import type { Command } from 'commander';
import type { Env } from '../config/load.js';
import { withToleranceOptions } from './tolerance-options.js';

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
    .option('--no-charts', 'skip the PNG charts and charts_report.html')
    .option(
      '-m, --merge <files...>',
      "merge several load generators' raw outputs of one run (k6 NDJSON or result.json) into --output",
    )
    .option(
      '-p, --profile <file>',
      "with --merge: the profile the run came from (e.g. an export's profile.json)",
    )
    .option('-r, --run <name>', 'with --merge: the run of the profile (needed when it has several)');
  withToleranceOptions(command)
    .addHelpText(
      'after',
      '\nExit codes: 0 reports written (no regression), 1 a merged run failed a threshold, 2 usage or invalid input, 4 regression against the baseline.',
    )
    .action(async (raw: Record<string, unknown>) => {
      if (raw.merge !== undefined) {
        const { runReportMerge } = await import('./lab/report-merge.js');
        return runReportMerge(raw);
      }
      // The report code (handlebars, chart.js, canvas) loads only when a report is built.
      const { runReportCommand } = await import('./lab/report-run.js');
      await runReportCommand(raw);
    });
}
