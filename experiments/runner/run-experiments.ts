/**
 * `terrafix experiments run`'s load part: for each selected experiment and run, configure and verify the mock,
 * reset stats, scrape /metrics every second, run the load, and write raw per-run data plus
 * experiment_summary.json. Reports are not its business: the CLI composes run → reports (src/cli/lab).
 * Exit codes: 0 pass, 1 a threshold failed (or a run errored), 2 usage or configuration error, 3 target
 * unreachable.
 */
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TerraFixError, toTerraFixError } from '../../src/pipeline/errors.js';
import { experimentFindings, summaryVerdict } from '../results/experiment-findings.js';
import {
  type ExperimentSummary,
  SUMMARY_SCHEMA_VERSION,
  type Summary,
  summarySchema,
} from '../results/summary-schema.js';
import { isLoopbackHost } from '../engine/loopback.js';
import type { LoadEngine } from '../engine/port.js';
import { loadProfile } from '../profiles/load.js';
import { type ExperimentName, type ExperimentProfile, scaleRun } from '../profiles/schema.js';
import { startLocalServer, type LocalServer } from './local-server.js';
import type { ProgressSink } from './progress.js';
import { runOne } from './run-one.js';
import { TargetClient } from './target-client.js';

export interface RunnerOptions {
  experiments: ExperimentName[];
  /** Target URL; ignored with `local`. */
  host: string | undefined;
  local: boolean;
  engine: LoadEngine;
  engineVersion: string;
  output: string;
  seed: number;
  durationScale: number;
  toolVersion: string;
  progress: ProgressSink;
  /** Environment for the local server. */
  env: Readonly<Record<string, string | undefined>>;
  /** Overrides the local server command (tests). */
  serverCommand?: readonly string[];
  profilesDir?: string;
  signal?: AbortSignal;
  /** Requests per run at most (bounded load). */
  maxRequestsPerRun?: number;
  /** How long to wait for the target's /ready (default 30 s). */
  readyTimeoutMs?: number;
}

export interface RunnerOutcome {
  summary: Summary | undefined;
  exitCode: 0 | 1 | 2 | 3;
  summaryPath: string | undefined;
}

function checkHost(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new TerraFixError('TFX_CONFIG', `--host: not a URL: ${host}`, {
      category: 'config',
      field: '--host',
    });
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new TerraFixError(
      'TFX_CONFIG',
      `--host: load tests target loopback only (127.0.0.1, ::1, localhost); got ${url.hostname}. Tunnel a remote target to a local port.`,
      { category: 'config', field: '--host' },
    );
  }
  return url.origin;
}

/** Removes `dir` when this run created it and left it empty (rmdir refuses a folder with files in it). */
async function removeIfEmpty(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rmdir(dir).catch(() => undefined);
}

/** Runs the selected experiments and writes the result folder. Never throws for run-level problems. */
export async function runExperiments(options: RunnerOptions): Promise<RunnerOutcome> {
  const { progress } = options;
  let profiles: ExperimentProfile[];
  try {
    profiles = options.experiments.map((name) => loadProfile(name, options.profilesDir));
  } catch (error) {
    progress.log(`error: ${toTerraFixError(error).message}`);
    return { summary: undefined, exitCode: 2, summaryPath: undefined };
  }
  let server: LocalServer | undefined;
  let baseUrl: string;
  // The folder a refused run created (undefined when it existed already): removed again if nothing was written.
  let created: string | undefined;
  try {
    // The host is checked before anything is written: a refused run leaves no empty output folder behind.
    const remote = options.local ? undefined : checkHost(options.host ?? 'http://127.0.0.1:8081');
    created = await mkdir(options.output, { recursive: true });
    if (remote === undefined) {
      server = await startLocalServer({
        logFile: join(options.output, 'server.log'),
        // Load runs measure the pipeline; terraform validate per fix would measure terraform. Opt back in via env.
        env: { TERRAFIX_TERRAFORM_VALIDATE: 'off', ...options.env },
        ...(options.serverCommand === undefined ? {} : { command: options.serverCommand }),
      });
      baseUrl = server.url;
      progress.log(`local API server on ${baseUrl} (log: ${server.logFile})`);
    } else {
      baseUrl = remote;
    }
  } catch (error) {
    const e = toTerraFixError(error);
    progress.log(`error: ${e.message}`);
    await removeIfEmpty(created === undefined ? undefined : options.output);
    return { summary: undefined, exitCode: e.code === 'TFX_UNREACHABLE' ? 3 : 2, summaryPath: undefined };
  }
  const target = new TargetClient(baseUrl);
  const startedAt = new Date().toISOString();
  const experiments: ExperimentSummary[] = [];
  let exitOverride: 2 | 3 | undefined;
  try {
    try {
      await target.waitReady(options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      progress.log(`error: ${toTerraFixError(error).message}`);
      await removeIfEmpty(created === undefined ? undefined : options.output);
      return { summary: undefined, exitCode: 3, summaryPath: undefined };
    }
    outer: for (const profile of profiles) {
      const exp: ExperimentSummary = {
        name: profile.name,
        description: profile.description,
        runs: [],
        findings: {},
      };
      experiments.push(exp);
      for (const [i, original] of profile.runs.entries()) {
        if (options.signal?.aborted === true) break outer;
        if (i > 0)
          await new Promise((r) =>
            setTimeout(r, profile.pauseBetweenRuns * 1000 * Math.min(1, options.durationScale)),
          );
        const summary = await runOne(scaleRun(original, options.durationScale), {
          experiment: profile.name,
          target,
          engine: options.engine,
          seed: options.seed,
          output: options.output,
          progress,
          maxRequests: options.maxRequestsPerRun ?? 2_000_000,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        exp.runs.push(summary);
        if (summary.status === 'error' && !(await target.healthy())) {
          progress.log('error: the target stopped answering; ending the experiment run');
          exitOverride = 3;
          break outer;
        }
        if (summary.errorCode === 'TFX_CONFIG') exitOverride ??= 2;
      }
      exp.findings = experimentFindings(exp);
    }
  } finally {
    await server?.stop();
  }
  const summary = summarySchema.parse({
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    tool: { name: 'terrafix', version: options.toolVersion, node: process.version },
    engine: { name: options.engine.name, version: options.engineVersion },
    seed: options.seed,
    durationScale: options.durationScale,
    target: { url: baseUrl, local: options.local },
    startedAt,
    endedAt: new Date().toISOString(),
    experiments,
    verdict: summaryVerdict(experiments),
  } satisfies Summary);
  const summaryPath = join(options.output, 'experiment_summary.json');
  await writeFile(summaryPath, `${JSON.stringify(summary, null, 2)}\n`, 'utf8');
  return { summary, summaryPath, exitCode: exitOverride ?? (summary.verdict.passed ? 0 : 1) };
}
