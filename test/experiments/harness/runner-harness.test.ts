/**
 * The runner with both engines against a real mock-mode API server: fault windows land where the profile puts
 * them on the load timeline, warm-up is sent but not recorded, profile files run from anywhere, a signal keeps
 * finished runs and marks the interrupted one, and remote targets need an explicit opt-in.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/api-server/server.js';
import { BuiltinEngine } from '../../../experiments/engine/builtin-engine.js';
import { K6Engine } from '../../../experiments/engine/k6-engine.js';
import type { EngineRunOptions, EngineRunSpec, LoadEngine } from '../../../experiments/engine/port.js';
import type { RunResult } from '../../../experiments/results/run-result.js';
import { summarySchema } from '../../../experiments/results/summary-schema.js';
import { checkHost, runExperiments } from '../../../experiments/runner/run-experiments.js';
import { collectingProgress, runnerOptions, startRunnerTarget } from '../../support/runner.js';
import { installFakeK6, type FakeK6 } from '../../fakes/k6/install.js';

let server: RunningServer;
let dir: string;
let fake: FakeK6;
const lines: string[] = [];

beforeAll(async () => {
  server = await startRunnerTarget();
  dir = await mkdtemp(join(tmpdir(), 'runner-harness-'));
  fake = await installFakeK6();
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(fake.dir, { recursive: true, force: true });
});

/** A profile file of one's own: a fault window from 3 s to 6 s of a 9 s closed-model run. */
async function faultProfile(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, `${name}.json`);
  await writeFile(
    file,
    JSON.stringify({
      name,
      description: 'fault window for alignment',
      runs: [
        {
          name: 'window',
          description: 'latency 150 ms per external call from 3 s to 6 s',
          load: { executor: 'constant-vus', vus: 4, duration: 9, pacing: 0.1 },
          payload: { repoSize: 'small' },
          mock: { latency_ms: 1 },
          // Cold start (first requests of a fresh server) would blur the first seconds.
          warmupSeconds: 2,
          phases: [
            { at: 3, mock: { latency_ms: 150 } },
            { at: 6, mock: { latency_ms: 1 } },
          ],
          findings: ['recovery'],
          ...extra,
        },
      ],
    }),
  );
  return file;
}

async function timelineOf(output: string, experiment: string): Promise<RunResult['timeline']> {
  const result = JSON.parse(
    await readFile(join(output, experiment, 'window', 'result.json'), 'utf8'),
  ) as RunResult;
  return result.timeline;
}

const engines: [string, () => LoadEngine][] = [
  ['built-in engine', () => new BuiltinEngine()],
  [
    'k6 (fake, 1.5 s of init and setup before the load)',
    () => new K6Engine(fake.path, { pollMs: 100, env: { PATH: process.env.PATH, FAKE_K6_INIT_MS: '1500' } }),
  ],
];

describe('the runner aligns every timed action to the load start', () => {
  it.each(engines)(
    '%s: the fault window lands on the timeline where the profile puts it (±1 s)',
    { timeout: 60_000 },
    async (name, make) => {
      const experiment = `align-${name.startsWith('k6') ? 'k6' : 'builtin'}`;
      const output = join(dir, experiment);
      const outcome = await runExperiments(
        runnerOptions(server, dir, collectingProgress(lines), {
          experiments: [],
          profileFiles: [await faultProfile(experiment)],
          engine: make(),
          durationScale: 1,
          output,
        }),
      );
      expect(outcome.summary?.verdict.errors).toBe(0);
      const timeline = await timelineOf(output, experiment);
      const p50 = (t: number) => timeline.find((p) => p.t === t)?.p50 ?? 0;
      const all = timeline.map((p) => Math.round(p.p50)).join(' ');
      // External calls at 150 ms inside the window, 1 ms outside it.
      for (const t of [4, 5]) expect(p50(t), `second ${t} of ${all}`).toBeGreaterThan(140);
      for (const t of [0, 1, 7, 8]) expect(p50(t), `second ${t} of ${all}`).toBeLessThan(70);
      const recovery = outcome.summary?.experiments[0]?.runs[0]?.findings.recovery as {
        baselineP50Ms: number;
        faultWindowP50Ms: number;
      };
      expect(recovery.faultWindowP50Ms).toBeGreaterThan(recovery.baselineP50Ms * 3);
    },
  );
});

/** An engine that records every run it is given, then lets the built-in engine run it. */
class RecordingEngine implements LoadEngine {
  readonly name = 'builtin' as const;
  readonly runs: { spec: EngineRunSpec; result: RunResult }[] = [];
  private readonly inner = new BuiltinEngine();
  async run(spec: EngineRunSpec, options?: EngineRunOptions): Promise<RunResult> {
    const result = await this.inner.run(spec, options);
    this.runs.push({ spec, result });
    return result;
  }
}

describe('warm-up', () => {
  it('is sent before the run at its starting level and not recorded', { timeout: 60_000 }, async () => {
    const engine = new RecordingEngine();
    const output = join(dir, 'warm');
    const file = join(dir, 'warm.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'warm',
        description: 'warm-up',
        runs: [
          {
            name: 'window',
            description: 'two seconds measured after two of warm-up',
            load: {
              executor: 'constant-arrival-rate',
              rate: 10,
              duration: 2,
              preAllocatedVUs: 2,
              maxVUs: 10,
            },
            warmupSeconds: 2,
          },
        ],
      }),
    );
    const outcome = await runExperiments(
      runnerOptions(server, dir, collectingProgress(lines), {
        experiments: [],
        profileFiles: [file],
        engine,
        durationScale: 1,
        output,
      }),
    );
    expect(engine.runs).toHaveLength(2);
    const [warm, measured] = engine.runs;
    expect(warm!.spec.load).toMatchObject({ executor: 'constant-arrival-rate', rate: 10, duration: 2 });
    expect(warm!.spec.thresholds).toBeUndefined();
    expect(warm!.spec.seed).not.toBe(measured!.spec.seed);
    expect(warm!.result.requests).toBeGreaterThan(10);
    const run = outcome.summary!.experiments[0]!.runs[0]!;
    expect(run.requests).toBe(measured!.result.requests);
    // The server's counters were reset after the warm-up: it reports only the measured requests.
    expect(run.server?.processed).toBeLessThanOrEqual(measured!.result.requests);
  });
});

describe('interrupting the runner', () => {
  it(
    'stops the load, keeps finished runs and writes a summary marking the interrupted run',
    { timeout: 60_000 },
    async () => {
      const controller = new AbortController();
      const output = join(dir, 'interrupted');
      const file = join(dir, 'two.json');
      const window = { executor: 'constant-vus', vus: 2, duration: 2, pacing: 0.1 };
      await writeFile(
        file,
        JSON.stringify({
          name: 'two',
          description: 'two runs, the second interrupted',
          pauseBetweenRuns: 0,
          runs: [
            { name: 'first', description: 'finishes', load: window },
            { name: 'second', description: 'interrupted', load: { ...window, duration: 60 } },
            { name: 'third', description: 'never starts', load: window },
          ],
        }),
      );
      const progress = collectingProgress(lines);
      const outcome = await runExperiments(
        runnerOptions(
          server,
          dir,
          {
            ...progress,
            runStarted: (n, s) => {
              progress.runStarted(n, s);
              if (n === 'second') setTimeout(() => controller.abort('SIGTERM'), 1_500);
            },
          },
          {
            experiments: [],
            profileFiles: [file],
            durationScale: 1,
            output,
            signal: controller.signal,
          },
        ),
      );
      const summary = summarySchema.parse(
        JSON.parse(await readFile(join(output, 'experiment_summary.json'), 'utf8')),
      );
      expect(summary.interrupted).toBe('SIGTERM');
      expect(summary.experiments[0]!.runs.map((r) => [r.name, r.status, r.interrupted ?? false])).toEqual([
        ['first', 'completed', false],
        ['second', 'stopped', true],
      ]);
      expect(summary.experiments[0]!.runs[1]!.durationSeconds).toBeLessThan(10);
      expect(summary.verdict.passed).toBe(false);
      expect(outcome.summaryPath).toBe(join(output, 'experiment_summary.json'));
    },
  );
});

describe('remote targets', () => {
  // Nothing is sent anywhere: these check the plan (`.invalid` never resolves, RFC 2606).
  it('are refused without --allow-remote and accepted with it, flagged remote', () => {
    expect(() => checkHost('http://terrafix-staging.invalid:8081')).toThrow(/--allow-remote/);
    expect(checkHost('http://terrafix-staging.invalid:8081', true)).toEqual({
      origin: 'http://terrafix-staging.invalid:8081',
      remote: true,
    });
    expect(checkHost('http://127.0.0.1:8081')).toEqual({ origin: 'http://127.0.0.1:8081', remote: false });
    expect(() => checkHost('ftp://127.0.0.1')).toThrow(/http\(s\)/);
  });

  it(
    'warn naming the target before any load, and loopback stays the default',
    { timeout: 30_000 },
    async () => {
      const progress: string[] = [];
      const outcome = await runExperiments(
        runnerOptions(server, dir, collectingProgress(progress), {
          host: 'http://terrafix-staging.invalid:8081',
          allowRemote: true,
          readyTimeoutMs: 300,
          output: join(dir, 'remote'),
        }),
      );
      expect(progress[0]).toMatch(
        /warning: --allow-remote: load goes to http:\/\/terrafix-staging\.invalid:8081/,
      );
      // The name never resolves: the runner stops at the readiness check (exit 3) without a single load request.
      expect(outcome.exitCode).toBe(3);
      const refused = await runExperiments(
        runnerOptions(server, dir, collectingProgress([]), { host: 'http://terrafix-staging.invalid:8081' }),
      );
      expect(refused.exitCode).toBe(2);
    },
  );
});
