/**
 * Fake Vanta, fake GitHub and fake Bedrock in one child process (test/fakes/real-mode/main.ts, bundled with esbuild
 * next to node_modules so its external packages resolve), for the benchmarks that run real mode against them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface FakeUrls {
  vanta: string;
  github: string;
  bedrock: string;
}

export interface RealModeFakes {
  urls: FakeUrls;
  pid: number;
  /** With `hold`: makes the held failures fail again; resolves with the fakes' clock (epoch ms) at that moment. */
  release(): Promise<number>;
  /** SIGTERM; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface RealModeFakesOptions {
  /** `owner/name=DIR`, each a fake GitHub repository seeded from DIR. */
  repos: readonly string[];
  /** Fake Vanta's data file. */
  dataFile: string;
  /** The GitHub token that may write. */
  token: string;
  /** Failing tests pass until release() (--hold). */
  hold?: boolean;
}

let bundled: Promise<string> | undefined;

function bundle(): Promise<string> {
  bundled ??= (async () => {
    const out = join(ROOT, 'dist/fakes/real-mode-bench.mjs');
    await build({
      entryPoints: [join(ROOT, 'test/fakes/real-mode/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: out,
      logLevel: 'warning',
    });
    return out;
  })();
  return bundled;
}

/** Starts the fakes and resolves once they print their URLs. */
export async function startRealModeFakes(options: RealModeFakesOptions): Promise<RealModeFakes> {
  const args = [
    await bundle(),
    '--vanta-data',
    options.dataFile,
    '--token',
    options.token,
    '--rate-limit',
    '100000',
    ...(options.hold === true ? ['--hold'] : []),
    ...options.repos.flatMap((r) => ['--repo', r]),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  // The fakes must not outlive the benchmark, however it ends (main.ts exits on SIGINT/SIGTERM).
  const killNow = () => child.kill('SIGKILL');
  process.on('exit', killNow);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killNow);
      resolve();
    }),
  );
  let out = '';
  const lines: ((text: string) => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of lines) listener(out);
  });
  const urls = await new Promise<FakeUrls>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fakes exited (${String(code)})`)));
    lines.push((text) => {
      const m = /^READY (\{.*\})$/m.exec(text);
      if (m?.[1] !== undefined) resolve(JSON.parse(m[1]) as FakeUrls);
    });
  });
  return {
    urls,
    pid: child.pid ?? -1,
    release: () =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('fakes did not confirm the release')), 10_000);
        lines.push((text) => {
          const m = /^RELEASED (\d+)$/m.exec(text);
          if (m?.[1] === undefined) return;
          clearTimeout(timer);
          resolve(Number(m[1]));
        });
        child.stdin.write('release\n');
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
