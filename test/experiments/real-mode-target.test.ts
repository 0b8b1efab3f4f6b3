/**
 * The harness drives real mode: the runner sends the real-mode profile's signed webhooks (built-in engine, loopback,
 * bounded) into a real-mode API server over the fakes with latency injected in front of the real adapters, and
 * every request is accepted and ends in a PR on the fake GitHub.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinEngine } from '../../experiments/engine/builtin-engine.js';
import { loadProfileFile } from '../../experiments/profiles/load.js';
import { summarySchema } from '../../experiments/results/summary-schema.js';
import { runExperiments } from '../../experiments/runner/run-experiments.js';
import { type RealModeTarget, startRealModeTarget } from '../fakes/real-mode/target.js';
import { REDIS_URL } from '../support/redis.js';
import { collectingProgress } from '../support/runner.js';

const PROFILE = new URL('../../examples/real-mode-profile.json', import.meta.url).pathname;
const SECRET = 'real-mode-harness-secret-0001';
const SEED = 5;

let dir: string;
let target: RealModeTarget;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'terrafix-real-harness-'));
  target = await startRealModeTarget({
    profile: loadProfileFile(PROFILE),
    seed: SEED,
    iterations: 50,
    webhookSecret: SECRET,
    // A floor the real calls alone do not reach on loopback: the decorator's latency shows in the stage means.
    faults: { seed: 1, stages: { fetch_vanta: { latency: { kind: 'fixed', ms: 60 } } } },
    redisUrl: REDIS_URL,
    workers: 8,
  });
}, 60_000);
afterAll(async () => {
  await target.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the real-mode profile against a real-mode target', { timeout: 180_000 }, () => {
  it('sends signed webhooks that are accepted, each remediated into one PR on the fake GitHub', async () => {
    const lines: string[] = [];
    const output = join(dir, 'out');
    const outcome = await runExperiments({
      experiments: [],
      profileFiles: [PROFILE],
      host: target.url,
      webhookSecret: SECRET,
      local: false,
      engine: new BuiltinEngine(),
      engineVersion: 'builtin',
      output,
      seed: SEED,
      durationScale: 0.15, // 30 s → 4.5 s: about 9 webhooks
      maxRequestsPerRun: 12,
      toolVersion: 'test',
      progress: collectingProgress(lines),
      env: {},
      readyTimeoutMs: 10_000,
    });
    expect(lines.join('\n')).toContain('not in mock mode');
    expect(outcome.exitCode).toBe(0);
    const summary = summarySchema.parse(
      JSON.parse(await readFile(join(output, 'experiment_summary.json'), 'utf8')),
    );
    const run = summary.experiments[0]?.runs[0];
    expect(run?.status).toBe('completed');
    const requests = run?.requests ?? 0;
    expect(requests).toBeGreaterThanOrEqual(5);
    expect(run?.statusCounts).toEqual({ '200': requests });
    expect(target.pullCount()).toBe(requests);
    expect(run?.server?.prsCreated).toBe(requests);
    expect(run?.server?.stageMeanMs.fetch_vanta).toBeGreaterThanOrEqual(60);
  });

  it('refuses the same load unsigned: 401 for every request, no PR', async () => {
    const before = target.pullCount();
    const outcome = await runExperiments({
      experiments: [],
      profileFiles: [PROFILE],
      host: target.url,
      local: false,
      engine: new BuiltinEngine(),
      engineVersion: 'builtin',
      output: join(dir, 'unsigned'),
      seed: SEED + 1,
      durationScale: 0.05,
      maxRequestsPerRun: 4,
      toolVersion: 'test',
      progress: collectingProgress([]),
      env: {},
      readyTimeoutMs: 10_000,
    });
    expect(outcome.exitCode).toBe(1); // the error-rate threshold fails
    const summary = summarySchema.parse(
      JSON.parse(await readFile(join(dir, 'unsigned', 'experiment_summary.json'), 'utf8')),
    );
    const run = summary.experiments[0]?.runs[0];
    expect(Object.keys(run?.statusCounts ?? {})).toEqual(['401']);
    expect(target.pullCount()).toBe(before);
  });
});
