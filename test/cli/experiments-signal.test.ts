/**
 * `terrafix experiments run` as a real process, interrupted: SIGINT or SIGTERM while k6 (the fake, a real child
 * process) sends load must stop k6, keep the summary marking the interrupted run, leave no temp files and exit
 * 130 or 143, as a shell reports a process ended by that signal.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api-server/server.js';
import { type FakeK6, installFakeK6 } from '../fakes/k6/install.js';
import { killChild, spawnChild } from '../support/child-process.js';
import { bundleCli } from '../support/cli-bundle.js';
import { startRunnerTarget } from '../support/runner.js';

let cli: string;
let k6: FakeK6;
let target: RunningServer;

beforeAll(async () => {
  [cli, k6, target] = await Promise.all([
    bundleCli('terrafix-experiments-signal-'),
    installFakeK6(),
    startRunnerTarget(),
  ]);
}, 60_000);
afterAll(async () => {
  await target.stop();
  await Promise.all([
    rm(cli, { recursive: true, force: true }),
    rm(k6.dir, { recursive: true, force: true }),
  ]);
});

/** Whether a process with this pid still exists (an orphan is re-parented and reaped once it exits). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('experiments run interrupted by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s stops k6, keeps the summary, removes temp files and exits %i',
    async (signal, code) => {
      const dir = await mkdtemp(join(tmpdir(), 'terrafix-experiments-signal-'));
      const scratch = join(dir, 'tmp');
      const log = join(dir, 'k6-calls.ndjson');
      await mkdir(scratch);
      const output = join(dir, 'out');
      const child = spawnChild(
        join(cli, 'main.js'),
        [
          'experiments',
          'run',
          '--experiment',
          'smoke',
          '--host',
          target.url,
          '--engine',
          'k6',
          '--output',
          output,
        ],
        {
          PATH: `${k6.dir}:${process.env.PATH ?? ''}`,
          TMPDIR: scratch,
          FAKE_K6_LOG: log,
          FAKE_K6_INIT_MS: '100',
          LOG_LEVEL: 'silent',
        },
      );
      try {
        await child.line(/\[smoke_webhook\] started/, 30_000);
        // `k6 version` first, then one `k6 run` for the warm-up and one for the measured load.
        const runs = async (): Promise<number[]> =>
          (await readFile(log, 'utf8'))
            .split('\n')
            .filter((line) => line.startsWith('{"pid"'))
            .map((line) => JSON.parse(line) as { pid: number; args: string[] })
            .filter((call) => call.args[0] === 'run')
            .map((call) => call.pid);
        await expect.poll(async () => (await runs()).length, { timeout: 10_000 }).toBe(2);
        const k6Pid = (await runs())[1]!;
        expect(alive(k6Pid)).toBe(true);
        const signalled = Date.now();
        child.process.kill(signal);
        expect(await child.exited).toBe(code);
        // Stopped, not waited for: smoke_webhook's load lasts 15 s.
        expect(Date.now() - signalled).toBeLessThan(10_000);
        await expect.poll(() => alive(k6Pid), { timeout: 5_000 }).toBe(false);
        expect(child.lines.join('\n')).toContain(`Verdict: FAIL (interrupted by ${signal}; 1 run, `);
        const summary = JSON.parse(await readFile(join(output, 'experiment_summary.json'), 'utf8')) as {
          interrupted?: string;
          experiments: { runs: { name: string; interrupted?: boolean }[] }[];
        };
        expect(summary.interrupted).toBe(signal);
        expect(summary.experiments[0]!.runs.map((r) => [r.name, r.interrupted ?? false])).toEqual([
          ['smoke_webhook', true],
        ]);
        // K6Engine's scratch folder (spec, NDJSON) lives under TMPDIR and goes with the run.
        expect(await readdir(scratch)).toEqual([]);
      } finally {
        await killChild(child);
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
