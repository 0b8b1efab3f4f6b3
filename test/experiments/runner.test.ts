import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api-server/server.js';
import { summarySchema } from '../../experiments/results/summary-schema.js';
import { loadProfile } from '../../experiments/profiles/load.js';
import { collectingProgress, runnerOptions, startRunnerTarget } from '../support/runner.js';
import { applyAndVerify } from '../../experiments/runner/run-one.js';
import { runExperiments, type RunnerOptions } from '../../experiments/runner/run-experiments.js';
import { TargetClient } from '../../experiments/runner/target-client.js';

const lines: string[] = [];
const progress = collectingProgress(lines);

let server: RunningServer;
let dir: string;
beforeAll(async () => {
  server = await startRunnerTarget();

  dir = await mkdtemp(join(tmpdir(), 'runner-'));
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

function options(overrides: Partial<RunnerOptions>): RunnerOptions {
  return runnerOptions(server, dir, progress, overrides);
}

describe('experiment runner', () => {
  it('runs the smoke profile end to end and writes a valid summary with raw per-run data', async () => {
    const output = join(dir, 'smoke');
    const outcome = await runExperiments(options({ output }));
    expect(outcome.exitCode).toBe(0);
    const summary = summarySchema.parse(
      JSON.parse(await readFile(join(output, 'experiment_summary.json'), 'utf8')),
    );
    expect(summary.verdict).toMatchObject({ passed: true, runs: 2, errors: 0 });
    const [webhook, batch] = summary.experiments[0]?.runs ?? [];
    expect(webhook?.status).toBe('completed');
    expect(webhook?.requests).toBeGreaterThan(20);
    expect(webhook?.server?.processed).toBeGreaterThan(0);
    expect(webhook?.server?.stageMeanMs.parse_terraform).not.toBeNull();
    expect(webhook?.findings.dedup).toMatchObject({ duplicateRatioSent: 0.1 });
    expect(batch?.items).toBeGreaterThan(batch?.requests ?? 0);
    for (const run of [webhook, batch]) {
      const result = JSON.parse(await readFile(join(output, run?.files.result ?? ''), 'utf8')) as {
        timeline: unknown[];
      };
      expect(result.timeline.length).toBeGreaterThan(0);
      const scrapes = JSON.parse(await readFile(join(output, run?.files.scrapes ?? ''), 'utf8')) as unknown[];
      expect(scrapes.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('exits 1 when a threshold fails', async () => {
    const profiles = join(dir, 'profiles');
    await import('node:fs/promises').then((fs) => fs.mkdir(profiles, { recursive: true }));
    const smoke = loadProfile('smoke');
    const strict = {
      ...smoke,
      runs: [{ ...smoke.runs[0], thresholds: [{ metric: 'p50_ms', op: '<', value: 0.0001 }] }],
    };
    await writeFile(join(profiles, 'smoke.json'), JSON.stringify(strict));
    const outcome = await runExperiments(options({ output: join(dir, 'strict'), profilesDir: profiles }));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.summary?.verdict).toMatchObject({ passed: false, failedThresholds: 1 });
  });

  it('exits 2 for a bad profile and for a non-loopback target, 3 when the target is unreachable', async () => {
    const profiles = join(dir, 'bad-profiles');
    await import('node:fs/promises').then((fs) => fs.mkdir(profiles, { recursive: true }));
    await writeFile(
      join(profiles, 'smoke.json'),
      JSON.stringify({ name: 'smoke', description: 'x', runs: [{ name: 'BAD NAME' }] }),
    );
    expect((await runExperiments(options({ profilesDir: profiles }))).exitCode).toBe(2);
    expect(lines.some((l) => /runs\.0\.name/.test(l))).toBe(true);
    expect((await runExperiments(options({ host: 'http://192.0.2.10:8081' }))).exitCode).toBe(2);
    expect((await runExperiments(options({ host: 'http://127.0.0.1:9' }))).exitCode).toBe(3);
  });

  it('a refused or unreachable target leaves no empty output folder', async () => {
    const refused = join(dir, 'refused-out');
    const unreachable = join(dir, 'unreachable-out');
    expect(
      (await runExperiments(options({ host: 'http://192.0.2.10:8081', output: refused }))).exitCode,
    ).toBe(2);
    expect(
      (await runExperiments(options({ host: 'http://127.0.0.1:9', output: unreachable }))).exitCode,
    ).toBe(3);
    expect(existsSync(refused)).toBe(false);
    expect(existsSync(unreachable)).toBe(false);
  });
});

describe('mock configuration verification', () => {
  let fake: Server;
  let url: string;
  let reported: Record<string, unknown> = {};
  beforeAll(async () => {
    fake = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/configure') return res.end(JSON.stringify({ message: 'ok' }));
      if (req.url === '/ready' || req.url === '/health') return res.end(JSON.stringify({ status: 'ok' }));
      if (req.url === '/status') return res.end(JSON.stringify({ mock_mode: true, config: reported }));
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const address = fake.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => fake.close(() => r())));

  it('a configuration the server did not apply is an error, not a result', async () => {
    reported = { latency_ms: 10, failure_rate: 0, stage_overrides: {} };
    await expect(applyAndVerify(new TargetClient(url), { latency_ms: 50, failure_rate: 0 })).rejects.toThrow(
      /did not take: latency_ms: asked 50, server has 10/,
    );
    await expect(
      applyAndVerify(new TargetClient(url), { latency_ms: 10, stages: { clone_repo: { transient: 0.1 } } }),
    ).rejects.toThrow(/stages\.clone_repo/);
    reported = { latency_ms: 50, failure_rate: 0, stage_overrides: {} };
    await expect(
      applyAndVerify(new TargetClient(url), { latency_ms: 50, failure_rate: 0 }),
    ).resolves.toBeUndefined();
  });

  it('the runner records such a run as an error and exits 2', async () => {
    reported = { latency_ms: 1 };
    const outcome = await runExperiments(options({ host: url, output: join(dir, 'unverified') }));
    expect(outcome.exitCode).toBe(2);
    const run = outcome.summary?.experiments[0]?.runs[0];
    expect(run).toMatchObject({ status: 'error', errorCode: 'TFX_CONFIG', requests: 0 });
    expect(run?.error).toMatch(/did not take/);
  });
});
