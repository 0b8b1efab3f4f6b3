/**
 * One k6 child process: argument array (no shell), environment passed in, stderr copied to a log file (k6.log
 * in the run folder) with its warnings picked out, the tails of its output kept for error messages, and a
 * two-step stop: the caller's gentle stop first (REST API, else SIGINT: k6 stops the test, still runs
 * handleSummary and flushes its outputs), SIGKILL if it has not exited `killAfterMs` later.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

const TAIL_CHARS = 4000;
/** At most this many warning lines are kept per run (k6 may repeat one per iteration). */
const MAX_WARNINGS = 20;

export interface K6Exit {
  /** Exit code, null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError: Error | undefined;
  stdoutTail: string;
  stderrTail: string;
  /** k6's `level=warning` lines (logfmt), first ones only. */
  warnings: string[];
}

export interface K6Process {
  readonly exited: Promise<K6Exit>;
  readonly pid: number | undefined;
  /** Asks k6 to stop (idempotent): `gentle` first (REST API), SIGINT if it fails, SIGKILL after killAfterMs. */
  stop(gentle?: () => Promise<boolean>): void;
}

export interface K6ProcessOptions {
  killAfterMs: number;
  /** The child's whole environment; undefined inherits this process's. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Where k6's stderr goes (appended); undefined keeps only the tail. */
  logPath?: string | undefined;
  /** Called once per warning line as it arrives. */
  onWarning?: ((line: string) => void) | undefined;
}

/** Whether a k6 log line (logfmt `level=warning` or the console's `WARN[...]`) is a warning. */
export function isK6Warning(line: string): boolean {
  return /\blevel=warn(ing)?\b/.test(line) || /^WARN\[/.test(line);
}

/** Starts `k6Path args...`; never rejects: failures are described by the K6Exit. */
export function startK6(k6Path: string, args: readonly string[], options: K6ProcessOptions): K6Process {
  const child = spawn(k6Path, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let stdoutTail = '';
  let stderrTail = '';
  let partial = '';
  const warnings: string[] = [];
  const log: WriteStream | undefined =
    options.logPath === undefined ? undefined : createWriteStream(options.logPath, { flags: 'a' });
  log?.on('error', () => undefined); // a full disk must not end the run; the tail is still kept
  child.stdout
    .setEncoding('utf8')
    .on('data', (chunk: string) => (stdoutTail = (stdoutTail + chunk).slice(-TAIL_CHARS)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-TAIL_CHARS);
    log?.write(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!isK6Warning(line) || warnings.length >= MAX_WARNINGS) continue;
      warnings.push(line);
      options.onWarning?.(line);
    }
  });
  let killTimer: NodeJS.Timeout | undefined;
  let spawnError: Error | undefined;
  const closeLog = (): Promise<void> =>
    new Promise((resolve) => (log === undefined ? resolve() : log.end(() => resolve())));
  const exited = new Promise<K6Exit>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(killTimer);
      void closeLog().then(() =>
        resolve({ code, signal, spawnError, stdoutTail, stderrTail, warnings: [...warnings] }),
      );
    };
    child.on('error', (error) => {
      spawnError = error;
      // 'close' does not follow a failed spawn.
      if (child.pid === undefined) done(null, null);
    });
    child.on('close', done);
  });
  let stopping = false;
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const escalate = (): void => {
    if (!running()) return;
    child.kill('SIGINT');
    killTimer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    killTimer.unref();
  };
  return {
    exited,
    pid: child.pid,
    stop(gentle) {
      if (stopping || !running()) return;
      stopping = true;
      if (gentle === undefined) return escalate();
      gentle().then(
        (accepted) => {
          if (!accepted) return escalate();
          // k6 accepted: it ends within its gracefulStop; SIGINT and SIGKILL only if it does not.
          killTimer = setTimeout(escalate, options.killAfterMs);
          killTimer.unref();
        },
        () => escalate(),
      );
    },
  };
}
