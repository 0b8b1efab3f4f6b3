// `experiments run` builds the reports after the runner wrote the summary, compares with --baseline and exits 4 on regression.
import { access, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api-server/server.js';
import { collectingProgress, runnerOptions, startRunnerTarget } from '../support/runner.js';
import { runAndReport, type RunAndReportOptions } from '../../src/cli/lab/run-and-report.js';
import { editJson, fixtureCopy, tempDir } from './helpers.js';

const lines: string[] = [];
const progress = collectingProgress(lines);

let server: RunningServer;
let dir: string;
beforeAll(async () => {
  server = await startRunnerTarget();

  dir = await tempDir();
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

function options(overrides: Partial<RunAndReportOptions>): RunAndReportOptions {
  return runnerOptions(server, dir, progress, overrides);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('runner reports', () => {
  it('writes the HTML report and charts, and exits 4 against a baseline that was far faster', async () => {
    const baseline = await fixtureCopy(dir, 'fast-baseline');
    await editJson(join(baseline, 'experiment_summary.json'), (s) => {
      for (const exp of s.experiments as { runs: { latencyMs: { p95: number } }[] }[])
        for (const r of exp.runs) r.latencyMs.p95 = 0.001;
    });
    const output = join(dir, 'regressed');
    const outcome = await runAndReport(options({ output, baseline }));
    expect(outcome.exitCode).toBe(4);
    expect(outcome.comparison?.regressions).toBe(2);
    expect(lines.some((l) => /^regression: smoke\/smoke_webhook: p95 rose/.test(l))).toBe(true);
    expect(await exists(join(output, 'experiment_summary.html'))).toBe(true);
    expect(await exists(join(output, 'charts_report.html'))).toBe(true);
    expect((await readdir(join(output, 'charts'))).length).toBe(outcome.report?.charts.length);
  }, 60_000);

  it('--no-report writes the summary only; a bad baseline is refused before any load (exit 2)', async () => {
    const output = join(dir, 'plain');
    const outcome = await runAndReport(options({ output, report: false }));
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report).toBeUndefined();
    expect(await exists(join(output, 'experiment_summary.json'))).toBe(true);
    expect(await exists(join(output, 'experiment_summary.html'))).toBe(false);

    const refused = await runAndReport(
      options({ output: join(dir, 'refused'), baseline: join(dir, 'nope') }),
    );
    expect(refused.exitCode).toBe(2);
    expect(refused.summary).toBeUndefined();
    expect(lines.some((l) => /--baseline: .*nope does not exist/.test(l))).toBe(true);
  }, 60_000);
});
