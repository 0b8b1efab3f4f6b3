// The summary is rebuilt from the raw per-run files, validated against its schema, and refuses bad input by field.
import { readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReports } from '../../reports/build-reports.js';
import { readSummary } from '../../experiments/results/read-summary.js';
import { type Summary, summarySchema } from '../../experiments/results/summary-schema.js';
import { editJson, fixtureCopy, readJson, tempDir } from './helpers.js';
import { errorRunSummary } from './synthetic.js';
import { rejection } from '../support/rejection.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withoutFiles = (s: Summary) =>
  s.experiments.flatMap((e) => e.runs.map((r) => ({ ...r, files: undefined })));

describe('rebuilt summary', () => {
  it('re-derives every run from its raw files, matches what the runner recorded and validates', async () => {
    const input = await fixtureCopy(dir, 'same');
    const recorded = await readJson<Summary>(join(input, 'experiment_summary.json'));
    const outcome = await buildReports(input, undefined, { charts: false });
    const written = summarySchema.parse(await readJson(outcome.summaryPath));
    expect(written).toEqual(outcome.summary);
    expect(withoutFiles(written)).toEqual(withoutFiles(recorded));
    expect(written.experiments[0]?.runs[0]?.files.result).toBe('smoke/smoke_webhook/result.json');
    expect(written.verdict).toEqual({ passed: true, runs: 2, failedThresholds: 0, errors: 0 });
  });

  it('uses the raw files, not the recorded numbers', async () => {
    const input = await fixtureCopy(dir, 'raw-wins');
    await editJson(join(input, 'experiment_summary.json'), (s) => {
      const run = (s.experiments as { runs: { requests: number }[] }[])[0]?.runs[0];
      if (run !== undefined) run.requests = 999_999;
    });
    await editJson(join(input, 'smoke/smoke_webhook/result.json'), (r) => {
      (r.latency as { p95: number }).p95 = 12_345;
    });
    const outcome = await buildReports(input, join(dir, 'raw-wins-out'), { charts: false });
    const run = outcome.summary.experiments[0]?.runs[0];
    expect(run?.requests).toBe(60);
    expect(run?.latencyMs?.p95).toBe(12_345);
    // Written elsewhere, the file links point back at the input's raw files.
    expect(run?.files.result).toBe('../raw-wins/smoke/smoke_webhook/result.json');
  });

  it('keeps runs recorded as errors as errors, and counts them in the verdict', async () => {
    const input = await fixtureCopy(dir, 'errored');
    await editJson(join(input, 'experiment_summary.json'), (s) => {
      (s.experiments as { runs: unknown[] }[])[0]?.runs.push(errorRunSummary('smoke'));
    });
    const outcome = await buildReports(input, undefined, { charts: false });
    const broken = outcome.summary.experiments[0]?.runs[2];
    expect(broken).toMatchObject({ status: 'error', errorCode: 'TFX_CONFIG', latencyMs: null });
    expect(outcome.summary.verdict).toEqual({ passed: false, runs: 3, failedThresholds: 0, errors: 1 });
  });

  it('names the bad field of an invalid summary', async () => {
    const input = await fixtureCopy(dir, 'invalid');
    await editJson(join(input, 'experiment_summary.json'), (s) => {
      const run = (s.experiments as { runs: Record<string, unknown>[] }[])[0]?.runs[1];
      if (run !== undefined) run.achievedRate = 'fast';
    });
    const error = await rejection(buildReports(input));
    expect(error.category).toBe('config');
    expect(error.field).toBe('experiments.0.runs.1.achievedRate');
    expect(error.message).toMatch(/experiments\.0\.runs\.1\.achievedRate/);

    await editJson(join(input, 'experiment_summary.json'), (s) => {
      s.schemaVersion = 2;
    });
    expect((await rejection(readSummary(input))).message).toMatch(/schemaVersion/);
  });

  it('names the missing or invalid raw file', async () => {
    const input = await fixtureCopy(dir, 'no-raw');
    await unlink(join(input, 'smoke/smoke_batch_async/scrapes.json'));
    const missing = await rejection(buildReports(input));
    expect(missing.message).toMatch(/smoke\/smoke_batch_async.*scrapes\.json/);

    const bad = await fixtureCopy(dir, 'bad-raw');
    await editJson(join(bad, 'smoke/smoke_webhook/result.json'), (r) => {
      delete r.timeline;
    });
    expect((await rejection(buildReports(bad))).message).toMatch(/result\.json: timeline/);

    await writeFile(join(bad, 'experiment_summary.json'), '{ not json');
    expect((await rejection(buildReports(bad))).message).toMatch(/not valid JSON/);
    await expect(readFile(join(bad, 'experiment_summary.html'))).rejects.toThrow();
  });

  it('a missing input folder is a configuration error naming --input', async () => {
    const error = await rejection(buildReports(join(dir, 'does-not-exist')));
    expect(error.category).toBe('config');
    expect(error.message).toMatch(/^--input: .*does not exist/);
  });
});
