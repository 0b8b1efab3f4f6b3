/**
 * Rebuilds experiment_summary.json from the raw per-run files (profile.json, result.json, scrapes.json) with the
 * runner's own summarizeRun, so a report never trusts numbers it cannot recompute. Runs recorded as errors
 * have no raw files and stay errors.
 */
import { dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { fieldIssues } from '../../src/pipeline/validate-input.js';
import { runSchema } from '../profiles/schema.js';
import { type RunResult, runResultSchema } from './run-result.js';
import { summarizeRun } from './summarize.js';
import { type ScrapeSample, scrapeSampleSchema } from './scrape-sample.js';
import { experimentFindings, summaryVerdict } from './experiment-findings.js';
import { parseSummary, readJsonFile } from './read-summary.js';
import type { RunSummary, Summary } from './summary-schema.js';

/** One run with the raw data the charts need; `result` is undefined for runs that errored. */
export interface RunData {
  experiment: string;
  summary: RunSummary;
  result: RunResult | undefined;
  scrapes: ScrapeSample[];
}

export interface ReportData {
  summary: Summary;
  runs: RunData[];
}

function validated<S extends z.ZodType>(schema: S, data: unknown, path: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error);
  throw new TerraFixError(
    'TFX_CONFIG',
    `invalid ${path}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { category: 'config', field: issues[0]?.field ?? '(root)', cause: parsed.error },
  );
}

const posix = (path: string) => path.split(sep).join('/');

/** Re-summarizes one recorded run from its folder; `outputDir` is where the new summary's file links point from. */
async function rebuildRun(inputDir: string, outputDir: string, run: RunSummary): Promise<RunData> {
  const experiment = run.experiment;
  if (run.status === 'error') return { experiment, summary: run, result: undefined, scrapes: [] };
  if (run.files.result === null) {
    throw new TerraFixError('TFX_CONFIG', `run ${experiment}/${run.name}: files.result is missing`, {
      category: 'config',
      field: 'files.result',
    });
  }
  const resultPath = join(inputDir, run.files.result);
  const folder = dirname(resultPath);
  const scrapesPath = join(
    inputDir,
    run.files.scrapes ?? posix(join(dirname(run.files.result), 'scrapes.json')),
  );
  const profilePath = join(folder, 'profile.json');
  const what = `run ${experiment}/${run.name}`;
  const [result, scrapes, profile] = await Promise.all([
    readJsonFile(resultPath, what).then((d) => validated(runResultSchema, d, resultPath)),
    readJsonFile(scrapesPath, what).then((d) => validated(z.array(scrapeSampleSchema), d, scrapesPath)),
    readJsonFile(profilePath, what).then((d) => validated(runSchema, d, profilePath)),
  ]);
  // /health after the run is not in the raw files; the recorded cascade finding keeps it.
  const cascade = run.findings.cascade as { serverStayedUp?: unknown } | undefined;
  const healthyAfter = typeof cascade?.serverStayedUp === 'boolean' ? cascade.serverStayedUp : true;
  const files = {
    result: posix(relative(outputDir, resultPath)),
    scrapes: posix(relative(outputDir, scrapesPath)),
  };
  const summary = summarizeRun(profile, experiment, result, scrapes, healthyAfter, files);
  return { experiment, summary, result, scrapes };
}

/** The recorded summary with every run re-derived from its raw files, validated against the schema. */
export async function rebuildSummary(
  inputDir: string,
  recorded: Summary,
  outputDir: string,
): Promise<ReportData> {
  const runs: RunData[] = [];
  const experiments = [];
  for (const exp of recorded.experiments) {
    const rebuilt = [];
    for (const run of exp.runs) {
      const data = await rebuildRun(inputDir, outputDir, run);
      runs.push(data);
      rebuilt.push(data.summary);
    }
    const next = { ...exp, runs: rebuilt };
    experiments.push({ ...next, findings: experimentFindings(next) });
  }
  const summary = parseSummary(
    { ...recorded, experiments, verdict: summaryVerdict(experiments) },
    'rebuilt from the raw run files',
  );
  return { summary, runs };
}
