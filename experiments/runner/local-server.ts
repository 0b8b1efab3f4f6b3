/**
 * `--local`: the API server in mock mode as a separate process on a free loopback port. Its output goes to a
 * log file in the output folder (never an undrained pipe); it is ready when `/ready` answers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { freeLoopbackPort } from '../engine/k6-engine.js';

export interface LocalServer {
  url: string;
  logFile: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface LocalServerOptions {
  logFile: string;
  /** Environment of the child (the runner passes its own, minus nothing: the server validates it). */
  env: Readonly<Record<string, string | undefined>>;
  /** Command to start the server; default: this package's compiled CLI. */
  command?: readonly string[];
  startTimeoutMs?: number;
}

/** The compiled CLI next to this module in dist/ (dist/experiments/runner → dist/src/cli/main.js). */
export function defaultServerCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  return [process.execPath, join(here, '..', '..', 'src', 'cli', 'main.js'), 'api-server', '--mock'];
}

async function answersReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts the server on a free port and resolves once `/ready` answers; rejects (and kills it) when it exits or times out first. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const [cmd, ...args] = options.command ?? defaultServerCommand();
  if (cmd === undefined)
    throw new TerraFixError('TFX_CONFIG', 'empty server command', { category: 'config' });
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, [...args, '--port', String(port), '--host', '127.0.0.1'], {
      env: { ...options.env, TERRAFIX_MOCK_MODE: 'true' },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exited !== undefined) {
      throw new TerraFixError(
        'TFX_UNREACHABLE',
        `local server exited with code ${exited} before listening; see ${options.logFile}`,
        {
          category: 'config',
        },
      );
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new TerraFixError(
        'TFX_UNREACHABLE',
        `local server did not start in time; see ${options.logFile}`,
        { category: 'transient' },
      );
    }
    if (await answersReady(url)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    logFile: options.logFile,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== undefined) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
