/**
 * One k6 child process: argument array (no shell), the tails of its output kept for error messages, and a
 * two-step stop: SIGINT first (k6 stops the test, still runs handleSummary and flushes its outputs), SIGKILL
 * if it has not exited `killAfterMs` later.
 */
import { spawn } from 'node:child_process';

const TAIL_CHARS = 4000;

export interface K6Exit {
  /** Exit code, null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError: Error | undefined;
  stdoutTail: string;
  stderrTail: string;
}

export interface K6Process {
  readonly exited: Promise<K6Exit>;
  /** Asks k6 to stop (idempotent). */
  stop(): void;
}

/** Starts `k6Path args...`; never rejects: failures are described by the K6Exit. */
export function startK6(k6Path: string, args: readonly string[], killAfterMs: number): K6Process {
  const child = spawn(k6Path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdoutTail = '';
  let stderrTail = '';
  child.stdout
    .setEncoding('utf8')
    .on('data', (chunk: string) => (stdoutTail = (stdoutTail + chunk).slice(-TAIL_CHARS)));
  child.stderr
    .setEncoding('utf8')
    .on('data', (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-TAIL_CHARS)));
  let killTimer: NodeJS.Timeout | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<K6Exit>((resolve) => {
    child.on('error', (error) => {
      spawnError = error;
      // 'close' does not follow a failed spawn.
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError, stdoutTail, stderrTail });
    });
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      resolve({ code, signal, spawnError, stdoutTail, stderrTail });
    });
  });
  let stopping = false;
  return {
    exited,
    stop() {
      if (stopping || child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      killTimer.unref();
    },
  };
}
