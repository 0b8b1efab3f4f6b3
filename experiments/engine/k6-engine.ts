/**
 * The k6 engine: runs the bundled script (experiments/k6/dist/terrafix.js) with the `k6` binary and turns its
 * NDJSON output into a RunResult. Works with any k6 from v0.47 on: only long-standing flags are used
 * (`run --quiet --no-color --no-usage-report --out json= -e`), and the end-of-test summary, whose shape later
 * versions change, is advisory. stopWhen is applied here to the live per-second timeline, exactly as the
 * built-in engine does (StopWatch), by stopping k6 with SIGINT; the script's abort-on-fail thresholds are the
 * coarser fallback for runs without this engine.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { parseRunSummary, stopBreaches } from '../k6/summary.js';
import type { RunResult } from '../results/run-result.js';
import { K6RunAccumulator } from './k6-ndjson.js';
import { type K6Exit, startK6 } from './k6-process.js';
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
    const keep = this.options.artifactsDir;
    const dir = keep ?? (await mkdtemp(join(tmpdir(), 'terrafix-k6-')));
    try {
      if (keep !== undefined) await mkdir(keep, { recursive: true });
      const paths = {
        spec: join(dir, 'spec.json'),
        ndjson: join(dir, 'k6.ndjson'),
        summary: join(dir, 'summary.json'),
      };
      await Promise.all([rm(paths.ndjson, { force: true }), rm(paths.summary, { force: true })]);
      const fallbackStart = new Date();
      await writeFile(paths.spec, JSON.stringify(toK6Spec(spec, fallbackStart), null, 2));
      const args = [
        'run',
        '--quiet',
        '--no-color',
        '--no-usage-report',
        '--out',
        `json=${paths.ndjson}`,
        '-e',
        `TERRAFIX_SPEC=${paths.spec}`,
        '-e',
        `TERRAFIX_SUMMARY=${paths.summary}`,
        script,
      ];
      const live = await this.follow(args, paths.ndjson, spec, options);
      // The summary is advisory (k6 may be killed before writing it): it only adds k6's own stop verdicts.
      const summaryText = await readFile(paths.summary, 'utf8').catch(() => null);
      const summary = summaryText === null ? null : parseRunSummary(summaryText);
      const k6Stop = summary === null ? [] : stopBreaches(summary);
      const capped = live.accumulator.cappedIterations > 0 ? `maxRequests ${spec.maxRequests} reached` : null;
      const aborted =
        live.stopReason ?? (k6Stop.length > 0 ? `k6 stop threshold failed: ${k6Stop.join(', ')}` : capped);
      return live.accumulator.toRunResult({ load: spec.load, k6Version, fallbackStart, aborted });
    } finally {
      if (keep === undefined) await rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs k6 while reading its NDJSON: live seconds to onSecond, stopWhen and the abort signal to SIGINT. */
  private async follow(
    args: string[],
    ndjsonPath: string,
    spec: K6RunSpec,
    options: EngineRunOptions,
  ): Promise<{ accumulator: K6RunAccumulator; stopReason: string | null }> {
    const accumulator = new K6RunAccumulator();
    const tail = new FileLineTail(ndjsonPath, (line) => accumulator.addLine(line));
    const watch = new StopWatch(spec.stopWhen);
    const child = startK6(this.k6Path, args, this.options.killAfterMs ?? 20_000);
    // Closures below write these; a holder object keeps the compiler from narrowing them to their initial values.
    const state: { stopReason: string | null; failure: unknown; running: boolean } = {
      stopReason: null,
      failure: undefined,
      running: true,
    };
    const stop = (reason: string): void => {
      if (!state.running) return;
      state.stopReason ??= reason;
      child.stop();
    };
    const publish = (lagSeconds: number): void => {
      for (const point of accumulator.takeSettledSeconds(lagSeconds)) {
        options.onSecond?.(point);
        const breach = watch.observe(point);
        if (breach !== null) stop(breach);
      }
    };
    const tick = (): void => {
      tail.read().then(
        () => publish(2),
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

/** Exit 0 and 99 (thresholds failed) are completed runs, and so is any exit after we asked k6 to stop. */
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
