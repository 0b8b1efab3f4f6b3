/** Servers under test, each in its own child process on a free loopback port; all killed at the end. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export const HOST = '127.0.0.1';

export interface ChildServer {
  name: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** The last few KiB the process wrote, for error messages. */
  outputTail(): string;
}

export interface StartOptions {
  name: string;
  /** Script run with this node binary. */
  script: string;
  args?: string[];
  nodeArgs?: string[];
  /** The child's whole environment (nothing is inherited implicitly). */
  env: Record<string, string>;
  port: number;
  /** GET this path until it answers 200. */
  readyPath: string;
  readyTimeoutMs?: number;
}

const running = new Set<ChildServer>();

/** A port that was free a moment ago on the loopback address (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port from the OS');
  return address.port;
}

/** Only what node needs from the parent's environment: no TERRAFIX_* leaks in from the shell. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** Spawns `node script`, waits for readiness, and registers it for stopAll(). */
export async function startServer(options: StartOptions): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])],
    {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit');
  const url = `http://${HOST}:${options.port}`;
  const server: ChildServer = {
    name: options.name,
    url,
    pid: child.pid ?? -1,
    stop: (graceMs = 15_000) => stopChild(child, exited, graceMs).finally(() => running.delete(server)),
    outputTail: () => tail,
  };
  running.add(server);
  try {
    await waitReady(child, `${url}${options.readyPath}`, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await server.stop(2_000);
    throw new Error(`${options.name} did not become ready: ${String(error)}\n${tail}`, { cause: error });
  }
  return server;
}

async function waitReady(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`exited early (${child.exitCode ?? child.signalCode})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms (last: ${String(last)})`);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every server still running (used in `finally` and on signals). */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...running].map((s) => s.stop()));
}

/** Last resort on a crash: synchronous SIGKILL to every child still registered. */
export function killAllNow(): void {
  for (const server of running) {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
