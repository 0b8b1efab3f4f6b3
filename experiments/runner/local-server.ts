/**
 * `--local`: the API server in mock mode as a separate process on a free loopback port. Its output goes to a
 * log file in the output folder (never an undrained pipe); the URL is read from its "listening" log line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TerraFixError } from '../../src/pipeline/errors.js';

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

function listeningUrl(logFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (!line.includes('API server listening')) continue;
    try {
      const entry = JSON.parse(line) as { url?: unknown };
      if (typeof entry.url === 'string') return entry.url;
    } catch {
      // not a JSON log line
    }
  }
  return undefined;
}

/** Starts the server and resolves once it logs its URL; rejects (and kills it) when it exits or times out first. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const [cmd, ...args] = options.command ?? defaultServerCommand();
  if (cmd === undefined)
    throw new TerraFixError('TFX_CONFIG', 'empty server command', { category: 'config' });
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, [...args, '--port', '0', '--host', '127.0.0.1'], {
      env: { ...options.env, TERRAFIX_MOCK_MODE: 'true', LOG_LEVEL: options.env.LOG_LEVEL ?? 'info' },
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
  let url: string | undefined;
  while (url === undefined) {
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
    await new Promise((r) => setTimeout(r, 100));
    url = listeningUrl(options.logFile);
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
