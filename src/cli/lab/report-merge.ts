/**
 * `terrafix report --merge`: several load generators' raw outputs of one run (k6 NDJSON files from k6-operator
 * runners, or result.json files) merged into one result folder with one summary and one verdict, then the usual
 * reports. The run is judged by its profile (`--profile`, e.g. the profile.json `experiments export` wrote).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { loadProfileFile } from '../../../experiments/profiles/load.js';
import { experimentFindings, summaryVerdict } from '../../../experiments/results/experiment-findings.js';
import { type RunResult, runResultSchema } from '../../../experiments/results/run-result.js';
import { summarizeRun } from '../../../experiments/results/summarize.js';
import {
  SUMMARY_SCHEMA_VERSION,
  type Summary,
  summarySchema,
} from '../../../experiments/results/summary-schema.js';
import { mergeK6Outputs, mergeRunResults } from '../../../experiments/runner/merge.js';
import { buildReports } from '../../../reports/build-reports.js';
import { TerraFixError } from '../../pipeline/errors.js';
import { EXIT } from '../exit-codes.js';
import { parseOptions } from '../tolerance-options.js';
import { describeReport } from './report-run.js';
import { toolVersion } from './experiments-run.js';

const mergeSchema = z.object({
  merge: z.array(z.string().min(1)).min(1),
  profile: z.string({ error: 'is required with --merge (the profile the runs were made from)' }).min(1),
  run: z.string().min(1).optional(),
  output: z.string({ error: 'is required with --merge' }).min(1),
  charts: z.boolean().default(true),
});

/** A file's RunResult, or undefined when it is not one (then it is read as k6 NDJSON). */
function asRunResult(text: string): RunResult | undefined {
  try {
    const parsed = runResultSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Merges the files into one RunResult: all result.json, or all NDJSON. */
export function mergeOutputs(
  texts: readonly string[],
  load: Parameters<typeof mergeK6Outputs>[1]['load'],
): RunResult {
  const results = texts.map(asRunResult);
  if (results.every((r) => r !== undefined)) return mergeRunResults(results);
  if (results.some((r) => r !== undefined)) {
    throw new TerraFixError(
      'TFX_CONFIG',
      '--merge: give either result.json files or k6 NDJSON files, not both',
      {
        category: 'config',
        field: '--merge',
      },
    );
  }
  return mergeK6Outputs(texts, { load, k6Version: 'k6 (merged NDJSON)' });
}

/** Runs `report --merge` on raw commander options. */
export async function runReportMerge(raw: Record<string, unknown>): Promise<void> {
  const o = parseOptions(mergeSchema, raw);
  const profile = loadProfileFile(o.profile);
  const run =
    o.run === undefined && profile.runs.length === 1
      ? profile.runs[0]
      : profile.runs.find((r) => r.name === o.run);
  if (run === undefined) {
    throw new TerraFixError(
      'TFX_CONFIG',
      `--run: name one of ${profile.runs.map((r) => r.name).join(', ')} (the run the files belong to)`,
      { category: 'config', field: '--run' },
    );
  }
  const texts = await Promise.all(
    o.merge.map((file) =>
      readFile(file, 'utf8').catch((cause: unknown) => {
        throw new TerraFixError('TFX_CONFIG', `--merge: cannot read ${file}`, {
          category: 'config',
          field: '--merge',
          cause,
        });
      }),
    ),
  );
  const result = mergeOutputs(texts, run.load);
  const folder = `${profile.name}/${run.name}`;
  await mkdir(join(o.output, folder), { recursive: true });
  const files = { result: `${folder}/result.json`, scrapes: `${folder}/scrapes.json` };
  await writeFile(join(o.output, files.result), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(o.output, files.scrapes), '[]\n');
  await writeFile(join(o.output, folder, 'profile.json'), `${JSON.stringify(run, null, 2)}\n`);
  const runSummary = summarizeRun(run, profile.name, result, [], true, files);
  const experiments = [
    { name: profile.name, description: profile.description, runs: [runSummary], findings: {} },
  ];
  experiments[0]!.findings = experimentFindings(experiments[0]!);
  const summary = summarySchema.parse({
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    tool: { name: 'terrafix', version: toolVersion(), node: process.version },
    engine: { name: result.engine, version: result.engineVersion },
    seed: 0,
    durationScale: 1,
    target: { url: `merged from ${o.merge.length} outputs`, local: false },
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    experiments,
    verdict: summaryVerdict(experiments),
  } satisfies Summary);
  await writeFile(join(o.output, 'experiment_summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const outcome = await buildReports(o.output, o.output, { charts: o.charts });
  process.stdout.write(describeReport(outcome));
  const v = outcome.summary.verdict;
  process.stdout.write(
    `Merged ${o.merge.length} outputs: ${runSummary.requests} requests, ${runSummary.achievedRate.toFixed(1)}/s, p95 ${runSummary.latencyMs?.p95.toFixed(1) ?? '-'} ms\n` +
      `Verdict: ${v.passed ? 'PASS' : 'FAIL'} (${v.failedThresholds} failed thresholds)\n`,
  );
  process.exitCode = v.passed ? EXIT.ok : EXIT.failed;
}
