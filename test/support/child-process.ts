/**
 * Runs a TypeScript entry as a separate Node process (bundled by esbuild, packages left external), for tests that
 * need a real crash (`kill -9`) or several replicas. Lines of the child's stdout can be awaited.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface Child {
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the first stdout line matching `pattern` (already seen or still to come). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  stderr(): string;
}

const bundles = new Map<string, Promise<string>>();

/** Bundles `entry` (once per test file) into a temp dir; returns the .mjs path. */
export function bundle(entry: string): Promise<string> {
  let out = bundles.get(entry);
  if (out === undefined) {
    out = (async () => {
      // Inside the repository, so the bundle's bare imports resolve from its node_modules.
      const cache = join(process.cwd(), 'node_modules', '.cache');
      await mkdir(cache, { recursive: true });
      const dir = await mkdtemp(join(cache, 'terrafix-child-'));
      const file = join(dir, 'main.mjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        outfile: file,
        logLevel: 'warning',
        absWorkingDir: process.cwd(),
      });
      return file;
    })();
    bundles.set(entry, out);
  }
  return out;
}

/** Removes the bundles made by this test file. */
export async function removeBundles(): Promise<void> {
  const files = await Promise.allSettled([...bundles.values()]);
  bundles.clear();
  await Promise.all(
    files.map((f) =>
      f.status === 'fulfilled'
        ? rm(join(f.value, '..'), { recursive: true, force: true })
        : Promise.resolve(),
    ),
  );
}

/** Starts `entry` (a .ts path relative to the repository root) with `env` added to this process's environment. */
export async function startChild(
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<Child> {
  return spawnChild(await bundle(entry), args, { ...process.env, ...env });
}

/** Runs `node file ...args` with exactly `env` (nothing inherited), its stdout split into awaitable lines. */
export function spawnChild(file: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [file, ...args], {
    env,
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  let errText = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errText = (errText + chunk).slice(-20_000);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    process: child,
    lines,
    exited,
    stderr: () => errText,
    line(pattern, timeoutMs = 15_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no stdout line matching ${String(pattern)} within ${timeoutMs} ms; stderr: ${errText}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

/** SIGKILLs the child if it still runs, and waits for it. */
export async function killChild(child: Child, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
  await child.exited;
}
