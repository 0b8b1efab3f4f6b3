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
import { loadProfile, loadProfileFile } from '../profiles/load.js';
import { type ExperimentName, type ExperimentProfile, scaleRun } from '../profiles/schema.js';
import { startLocalServer, type LocalServer } from './local-server.js';
import type { ProgressSink } from './progress.js';
import { runOne } from './run-one.js';
import { TargetClient } from './target-client.js';

export interface RunnerOptions {
  experiments: ExperimentName[];
  /** Profiles of your own (`--profile FILE`), run after `experiments`, validated the same way. */
  profileFiles?: readonly string[];
  /** Target URL; ignored with `local`. */
  host: string | undefined;
  /** Allow a non-loopback `host` (`--allow-remote`); a warning names the target. */
  allowRemote?: boolean;
  /** Signs load requests with this webhook secret (TERRAFIX_WEBHOOK_SECRET), for a real-mode target. */
  webhookSecret?: string;
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

/** The target's origin; a non-loopback host needs `allowRemote` (then the caller warns, naming it). */
export function checkHost(host: string, allowRemote = false): { origin: string; remote: boolean } {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new TerraFixError('TFX_CONFIG', `--host: not a URL: ${host}`, {
      category: 'config',
      field: '--host',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TerraFixError('TFX_CONFIG', `--host: must be http(s), got ${url.protocol}`, {
      category: 'config',
      field: '--host',
    });
  }
  const remote = !isLoopbackHost(url.hostname);
  if (remote && !allowRemote) {
    throw new TerraFixError(
      'TFX_CONFIG',
      `--host: load tests target loopback only (127.0.0.1, ::1, localhost); got ${url.hostname}. Pass --allow-remote to load it on purpose.`,
      { category: 'config', field: '--host' },
    );
  }
  return { origin: url.origin, remote };
}

/** Every selected profile: the named experiments, then the files. Throws TFX_CONFIG naming the bad one. */
export function selectedProfiles(
  options: Pick<RunnerOptions, 'experiments' | 'profileFiles' | 'profilesDir'>,
): ExperimentProfile[] {
  const profiles = options.experiments.map((name) => loadProfile(name, options.profilesDir));
  for (const file of options.profileFiles ?? []) profiles.push(loadProfileFile(file));
  const seen = new Set<string>();
  for (const p of profiles) {
    if (seen.has(p.name))
      throw new TerraFixError('TFX_CONFIG', `--profile: experiment "${p.name}" selected twice`, {
        category: 'config',
        field: '--profile',
      });
    seen.add(p.name);
  }
  return profiles;
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
    profiles = selectedProfiles(options);
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
    const host = options.local
      ? undefined
      : checkHost(options.host ?? 'http://127.0.0.1:8081', options.allowRemote === true);
    created = await mkdir(options.output, { recursive: true });
    if (host === undefined) {
      server = await startLocalServer({
        logFile: join(options.output, 'server.log'),
        // Load runs measure the pipeline; terraform validate per fix would measure terraform. Opt back in via env.
        env: { TERRAFIX_TERRAFORM_VALIDATE: 'off', ...options.env },
        ...(options.serverCommand === undefined ? {} : { command: options.serverCommand }),
      });
      baseUrl = server.url;
      progress.log(`local API server on ${baseUrl} (log: ${server.logFile})`);
    } else {
      baseUrl = host.origin;
      if (host.remote)
        progress.log(
          `warning: --allow-remote: load goes to ${baseUrl}, a host that is not this machine; make sure you may load it`,
        );
    }
  } catch (error) {
    const e = toTerraFixError(error);
    progress.log(`error: ${e.message}`);
    await removeIfEmpty(created === undefined ? undefined : options.output);
    return { summary: undefined, exitCode: e.code === 'TFX_UNREACHABLE' ? 3 : 2, summaryPath: undefined };
  }
  const target = new TargetClient(baseUrl, options.webhookSecret);
  const startedAt = new Date().toISOString();
  const experiments: ExperimentSummary[] = [];
  let exitOverride: 2 | 3 | undefined;
  let mockControls = true;
  try {
    try {
      await target.waitReady(options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      progress.log(`error: ${toTerraFixError(error).message}`);
      await removeIfEmpty(created === undefined ? undefined : options.output);
      return { summary: undefined, exitCode: 3, summaryPath: undefined };
    }
    if (!options.local) {
      const status = await target.status().catch(() => undefined);
      mockControls = status?.mock_mode === true;
      if (!mockControls)
        progress.log(
          'warning: the target is not in mock mode: runs send load only (no /configure, no fault phases, no stats reset)',
        );
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
          await pause(profile.pauseBetweenRuns * 1000 * Math.min(1, options.durationScale), options.signal);
        if (isAborted(options.signal)) break outer;
        const summary = await runOne(scaleRun(original, options.durationScale), {
          experiment: profile.name,
          target,
          engine: options.engine,
          seed: options.seed,
          output: options.output,
          progress,
          maxRequests: options.maxRequestsPerRun ?? 2_000_000,
          mockControls,
          ...(options.allowRemote === true ? { allowRemote: true } : {}),
          ...(options.webhookSecret === undefined ? {} : { webhookSecret: options.webhookSecret }),
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
    ...(options.signal?.aborted === true ? { interrupted: interruptReason(options.signal) } : {}),
  } satisfies Summary);
  const summaryPath = join(options.output, 'experiment_summary.json');
  await writeFile(summaryPath, `${JSON.stringify(summary, null, 2)}\n`, 'utf8');
  return { summary, summaryPath, exitCode: exitOverride ?? (summary.verdict.passed ? 0 : 1) };
}

/** Read through a call so the compiler does not narrow `aborted` across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Waits `ms`, or less when the signal aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** What interrupted the runner: the signal's reason when it is a signal name, else `interrupted`. */
function interruptReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' && /^SIG[A-Z]+$/.test(reason) ? reason : 'interrupted';
}
