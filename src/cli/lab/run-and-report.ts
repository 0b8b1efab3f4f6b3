/**
 * `experiments run` end to end: a bad baseline is refused before any load, then the runner runs and writes
 * experiment_summary.json, then the reports (HTML, charts) and the comparison with the baseline are built.
 * Exit codes: the runner's (0 pass, 1 threshold failed or run errored, 2 usage, 3 target unreachable), and 4 for a
 * regression against the baseline when nothing else failed.
 */
import { readSummary } from '../../../experiments/results/read-summary.js';
import type { Summary } from '../../../experiments/results/summary-schema.js';
import { DEFAULT_TOLERANCES, type Tolerances } from '../../../experiments/results/tolerances.js';
import {
  runExperiments,
  type RunnerOptions,
  type RunnerOutcome,
} from '../../../experiments/runner/run-experiments.js';
import { buildReports, type ReportOutcome } from '../../../reports/build-reports.js';
import { type Comparison, compareSummaries } from '../../../reports/compare.js';
import { toTerraFixError } from '../../pipeline/errors.js';

export interface RunAndReportOptions extends RunnerOptions {
  /** A result folder or experiment_summary.json to compare with; a regression exits 4. */
  baseline?: string;
  tolerances?: Tolerances;
  /** false: write experiment_summary.json only (no HTML, no charts). */
  report?: boolean;
  /** false: no PNG charts (the HTML report is still written). */
  charts?: boolean;
}

export interface RunAndReportOutcome extends Omit<RunnerOutcome, 'exitCode'> {
  exitCode: RunnerOutcome['exitCode'] | 4;
  /** The reports built after the runs (absent with `report: false` or when they failed). */
  report?: ReportOutcome;
  comparison?: Comparison;
}

/** Runs the experiments, then builds their reports. */
export async function runAndReport(options: RunAndReportOptions): Promise<RunAndReportOutcome> {
  const baseline =
    options.baseline === undefined
      ? undefined
      : await readSummary(options.baseline, '--baseline').catch((error: unknown) => {
          options.progress.log(`error: ${toTerraFixError(error).message}`);
          return null;
        });
  if (baseline === null) return { summary: undefined, exitCode: 2, summaryPath: undefined };
  const outcome = await runExperiments(options);
  if (outcome.summary === undefined) return outcome;
  // Interrupted: the summary is written; reports can be built later with `terrafix report`.
  if (outcome.summary.interrupted !== undefined) return outcome;
  return { ...outcome, ...(await reportAfterRun(options, outcome.summary, baseline, outcome.exitCode)) };
}

/** Builds the reports (and the comparison) of a finished run; a regression turns a clean exit into 4. */
async function reportAfterRun(
  options: RunAndReportOptions,
  summary: Summary,
  baseline: Summary | undefined,
  exitCode: RunnerOutcome['exitCode'],
): Promise<Pick<RunAndReportOutcome, 'exitCode' | 'report' | 'comparison'>> {
  const tolerances = options.tolerances ?? DEFAULT_TOLERANCES;
  let report: ReportOutcome | undefined;
  let comparison: Comparison | undefined;
  try {
    if (options.report === false) {
      if (baseline !== undefined)
        comparison = compareSummaries(baseline, summary, tolerances, options.baseline);
    } else {
      report = await buildReports(options.output, options.output, {
        tolerances,
        charts: options.charts !== false,
        ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
      });
      comparison = report.comparison;
      options.progress.log(`report: ${report.htmlPath} (${report.charts.length} charts)`);
    }
  } catch (error) {
    const e = toTerraFixError(error);
    options.progress.log(`error: building the reports failed: ${e.message}`);
    return { exitCode: exitCode === 0 ? 1 : exitCode };
  }
  if (comparison?.regressed === true) {
    for (const r of comparison.runs.filter((x) => x.regressed))
      options.progress.log(`regression: ${r.experiment}/${r.run}: ${r.reasons.join('; ')}`);
  }
  return {
    exitCode: exitCode === 0 && comparison?.regressed === true ? 4 : exitCode,
    ...(report === undefined ? {} : { report }),
    ...(comparison === undefined ? {} : { comparison }),
  };
}
