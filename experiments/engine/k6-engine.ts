/**
 * The k6 engine: runs the bundled script (experiments/k6/dist/terrafix.js) with the `k6` binary and turns its
 * NDJSON output into a RunResult. Works with any k6 from v0.47 on: only long-standing flags are used
 * (`run --quiet --no-color --no-usage-report --address --out json= -e`, plus K6_NO_USAGE_REPORT and the Go GC
 * settings of k6-gc.ts), and the end-of-test summary, whose shape later versions change, is advisory. k6's REST
 * API (`--address`, a free loopback port) tells when the load starts (status Running, after init and setup())
 * and stops the test: stopWhen is applied here to the live per-second timeline, exactly as the built-in engine
 * does (StopWatch), and k6 is then stopped with `PATCH /v1/status` (SIGINT if the API does not answer). k6's
 * stderr goes to k6.log.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { parseRunSummary, stopBreaches } from '../k6/summary.js';
import type { RunResult } from '../results/run-result.js';
import { createServer } from 'node:net';
import { k6GcEnv } from './k6-gc.js';
import { K6RunAccumulator } from './k6-ndjson.js';
import { type K6Exit, startK6 } from './k6-process.js';
import { K6_STATUS_RUNNING, k6Status, stopK6Test } from './k6-rest.js';
import { type K6RunSpec, toK6Spec } from './k6-spec-file.js';
import { FileLineTail } from './k6-tail.js';
import type { EngineRunOptions, LoadEngine } from './port.js';
import { StopWatch } from './stop-conditions.js';

export type { K6RunSpec } from './k6-spec-file.js';

/** k6's exit code when thresholds failed: the run itself completed. */
export const K6_THRESHOLDS_FAILED = 99;

/** The first executable `k6` on a PATH string, or undefined. */
export function findK6(
  pathEnv: string | undefined,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const names = platform === 'win32' ? ['k6.exe', 'k6'] : ['k6'];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        if (!statSync(candidate).isFile()) continue;
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not there or not executable: keep looking.
      }
    }
  }
  return undefined;
}

/** The bundled script next to this module, from the source tree or from the compiled dist/ tree. */
export function defaultK6Script(): string | undefined {
  return ['../k6/dist/terrafix.js', '../../../experiments/k6/dist/terrafix.js']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((path) => existsSync(path));
}

/** A k6 run that did not complete; `exitCode` and `stderrTail` say what k6 said. */
export class K6RunError extends TerraFixError {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
    cause?: unknown,
  ) {
    super('TFX_INTERNAL', message, { category: 'permanent', cause: cause ?? { exitCode, stderrTail } });
  }
}

export interface K6EngineOptions {
  /** The bundled script; by default the one in this checkout (`npm run build:k6`). */
  scriptPath?: string;
  /** Keep spec.json, k6.ndjson and summary.json here; by default a temp dir removed after the run. */
  artifactsDir?: string;
  /** How often the NDJSON is read while k6 runs (live seconds, stop checks). Default 500 ms. */
  pollMs?: number;
  /** How long k6 gets after SIGINT before SIGKILL. Default 20 s (it still writes its summary). */
  killAfterMs?: number;
  /**
   * k6's whole environment (the CLI passes its own); K6_NO_USAGE_REPORT and, unless it sets its own, the Go GC
   * settings (k6-gc.ts) are added. Default: inherited as it is.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A free loopback port for k6's REST API (bound and released; k6 binds it right after). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The argument list of one runner-driven k6 run (exported for `experiments export` and the tests). */
export function k6RunArgs(
  paths: { ndjson: string; spec: string; summary?: string; address?: string },
  script: string,
): string[] {
  return [
    'run',
    '--quiet',
    '--no-color',
    '--no-usage-report',
    ...(paths.address === undefined ? [] : ['--address', paths.address]),
    '--out',
    `json=${paths.ndjson}`,
    '-e',
    `TERRAFIX_SPEC=${paths.spec}`,
    ...(paths.summary === undefined ? [] : ['-e', `TERRAFIX_SUMMARY=${paths.summary}`]),
    script,
  ];
}

export class K6Engine implements LoadEngine {
  readonly name = 'k6' as const;
  private versionLine: Promise<string> | undefined;

  constructor(
    readonly k6Path: string,
    private readonly options: K6EngineOptions = {},
  ) {}

  /** First line of `k6 version`, e.g. `k6 v0.47.0 (2023-10-10T..., go1.21.1, linux/amd64)`. */
  version(): Promise<string> {
    this.versionLine ??= promisify(execFile)(this.k6Path, ['version'], { timeout: 10_000 }).then(
      ({ stdout }) =>
        stdout
          .split('\n')
          .find((l) => l.trim() !== '')
          ?.trim() ?? 'k6 (unknown version)',
      () => 'k6 (unknown version)',
    );
    return this.versionLine;
  }

  /** Runs one load shape; `spec.thresholds`, when given, are also handed to k6 (exit code 99 still completes). */
  async run(spec: K6RunSpec, options: EngineRunOptions = {}): Promise<RunResult> {
    const script = this.options.scriptPath ?? defaultK6Script();
    if (script === undefined || !existsSync(script)) {
      throw new TerraFixError('TFX_CONFIG', 'k6 script bundle not found: run `npm run build:k6`', {
        category: 'config',
        field: 'scriptPath',
      });
    }
    const k6Version = await this.version();
    const keep = options.artifactsDir ?? this.options.artifactsDir;
    const scratch = await mkdtemp(join(tmpdir(), 'terrafix-k6-'));
    // Absolute: k6 resolves the script's open() against the script's own folder, not the working directory.
    const dir = resolve(keep ?? scratch);
    try {
      if (keep !== undefined) await mkdir(keep, { recursive: true });
      const paths = {
        spec: join(dir, 'spec.json'),
        // The NDJSON is large (a dozen samples per request) and only read here: always in the scratch folder.
        ndjson: join(scratch, 'k6.ndjson'),
        summary: join(dir, 'summary.json'),
        log: join(dir, 'k6.log'),
        address: `127.0.0.1:${await freeLoopbackPort()}`,
      };
      await Promise.all([rm(paths.summary, { force: true }), rm(paths.log, { force: true })]);
      const fallbackStart = new Date();
      await writeFile(paths.spec, JSON.stringify(toK6Spec(spec, fallbackStart, true), null, 2));
      const live = await this.follow(k6RunArgs(paths, script), paths, spec, options);
      // The summary is advisory (k6 may be killed before writing it): it only adds k6's own stop verdicts.
      const summaryText = await readFile(paths.summary, 'utf8').catch(() => null);
      const summary = summaryText === null ? null : parseRunSummary(summaryText);
      const k6Stop = summary === null ? [] : stopBreaches(summary);
      const capped = live.accumulator.cappedIterations > 0 ? `maxRequests ${spec.maxRequests} reached` : null;
      const aborted =
        live.stopReason ?? (k6Stop.length > 0 ? `k6 stop threshold failed: ${k6Stop.join(', ')}` : capped);
      return live.accumulator.toRunResult({ load: spec.load, k6Version, fallbackStart, aborted });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Runs k6 while reading its NDJSON: live seconds to onSecond, stopWhen and the abort signal to SIGINT. */
  private async follow(
    args: string[],
    paths: { ndjson: string; log: string; address: string },
    spec: K6RunSpec,
    options: EngineRunOptions,
  ): Promise<{ accumulator: K6RunAccumulator; stopReason: string | null }> {
    const accumulator = new K6RunAccumulator();
    const tail = new FileLineTail(paths.ndjson, (line) => accumulator.addLine(line));
    const watch = new StopWatch(spec.stopWhen);
    const env: Record<string, string | undefined> = {
      ...(this.options.env ?? {}),
      K6_NO_USAGE_REPORT: 'true',
      ...(this.options.env === undefined ? {} : k6GcEnv(this.options.env, totalmem())),
      // The secret reaches the script through k6's environment, never through argv or the spec file.
      ...(spec.webhookSecret === undefined ? {} : { TERRAFIX_WEBHOOK_SECRET: spec.webhookSecret }),
    };
    const child = startK6(this.k6Path, args, {
      killAfterMs: this.options.killAfterMs ?? 20_000,
      // Without an env from the caller the child inherits ours; the flag still turns the usage report off.
      env: this.options.env === undefined && spec.webhookSecret === undefined ? undefined : env,
      logPath: paths.log,
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });
    // Closures below write these; a holder object keeps the compiler from narrowing them to their initial values.
    const state: { stopReason: string | null; failure: unknown; running: boolean } = {
      stopReason: null,
      failure: undefined,
      running: true,
    };
    const stop = (reason: string): void => {
      if (!state.running) return;
      state.stopReason ??= reason;
      child.stop(() => stopK6Test(paths.address));
    };
    // The load starts when k6 reports Running (init and setup() done), or at the script's start marker in the
    // NDJSON if the REST API never answered: whichever is seen first is reported once.
    let started = false;
    const markStarted = (epochMs: number): void => {
      if (started) return;
      started = true;
      options.onLoadStart?.(epochMs);
    };
    const watchStart = async (): Promise<void> => {
      while (!started && state.running) {
        const status = await k6Status(paths.address, 500);
        if (status !== undefined && status.status >= K6_STATUS_RUNNING) {
          const anchor = accumulator.loadStartMs();
          markStarted(anchor ?? Date.now());
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    void watchStart();
    const publish = (lagSeconds: number): void => {
      for (const point of accumulator.takeSettledSeconds(lagSeconds)) {
        options.onSecond?.(point);
        const breach = watch.observe(point);
        if (breach !== null) stop(breach);
      }
    };
    const tick = (): void => {
      tail.read().then(
        () => {
          const anchor = accumulator.loadStartMs();
          if (anchor !== undefined) markStarted(anchor);
          publish(2);
        },
        (error: unknown) => {
          state.failure ??= error;
          stop('k6 NDJSON output unreadable');
        },
      );
    };
    const onAbort = (): void => stop('interrupted');
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setInterval(tick, this.options.pollMs ?? 500);
    let exit: K6Exit;
    try {
      exit = await child.exited;
    } finally {
      clearInterval(timer);
      started = true; // ends watchStart's polling
      options.signal?.removeEventListener('abort', onAbort);
    }
    await tail.read().catch((error: unknown) => (state.failure ??= error));
    tail.flush();
    if (state.failure !== undefined) {
      throw new K6RunError('reading the k6 NDJSON output failed', exit.code, exit.stderrTail, state.failure);
    }
    checkExit(exit, state.stopReason !== null, tail.seen);
    // The rest of the timeline goes to onSecond too; a breach in it no longer changes how the run ended.
    state.running = false;
    publish(0);
    return { accumulator, stopReason: state.stopReason };
  }
}

/**
 * Exit 0 and 99 (thresholds failed) are completed runs, and so is any exit after we asked k6 to stop (103 after
 * the REST API stop, 105 after SIGINT). 107 (script exception) and 108 (setup() aborted: target not ready) are not.
 */
function checkExit(exit: K6Exit, stoppedByUs: boolean, sawOutput: boolean): void {
  if (exit.spawnError !== undefined && exit.code === null && exit.signal === null) {
    throw new TerraFixError('TFX_CONFIG', `k6 could not be started: ${exit.spawnError.message}`, {
      category: 'config',
      cause: exit.spawnError,
    });
  }
  const completed = stoppedByUs || exit.code === 0 || exit.code === K6_THRESHOLDS_FAILED;
  if (!completed) {
    const lastLines = exit.stderrTail.trim().split('\n').slice(-5).join('\n');
    throw new K6RunError(
      `k6 exited with ${exit.code ?? exit.signal ?? 'nothing'}: ${lastLines}`,
      exit.code,
      exit.stderrTail,
    );
  }
  if (!sawOutput && !stoppedByUs)
    throw new K6RunError('k6 wrote no NDJSON output', exit.code, exit.stderrTail);
}
