/**
 * The second load generator: Debian's wrk (C, epoll, one event loop per thread) in its own process, so a
 * ratio does not rest on autocannon alone. Bodies come from the same pool as autocannon's (bodies.ts) and
 * each request carries a new test_id (wrk/webhook-script.ts); the result is read from the script's JSON line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyPool } from './bodies.js';
import type { LoadResult } from './load.js';
import { WEBHOOK_LUA } from './wrk/webhook-script.js';

// USER_HZ, as in proc-cpu.ts: /proc/self/stat counts CPU in these ticks.
const TICKS_PER_SECOND = 100;

export interface WrkSpec {
  /** The wrk binary (BENCH_WRK). */
  binary: string;
  baseUrl: string;
  /** e.g. `/webhook?mode=async` */
  path: string;
  connections: number;
  threads: number;
  seconds: number;
  /** Per-request timeout in seconds. */
  timeoutSeconds: number;
}

export interface WrkResult extends LoadResult {
  /** user + system CPU of the wrk process over its life, and that life in wall seconds. */
  generatorCpuSeconds: number;
  generatorWallSeconds: number;
}

interface WrkSummary {
  duration_us: number;
  requests: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: { mean: number; p50: number; p90: number; p99: number; max: number };
  cpu_ticks: number;
}

/** Why `binary` cannot be used, or undefined when it runs. */
export function wrkUnavailable(binary: string): string | undefined {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 5_000 });
  if (probe.error !== undefined) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? `'${binary}' not found (Debian: apt-get install -y wrk; or set BENCH_WRK to its path)`
      : `'${binary} --version' failed: ${probe.error.message}`;
  }
  // wrk prints its version and usage, then exits 1: the text is the check, not the exit code.
  const text = `${probe.stdout}${probe.stderr}`;
  return /\bwrk\b/.test(text)
    ? undefined
    : `'${binary} --version' does not look like wrk: ${text.slice(0, 200)}`;
}

// A run ends by itself after `seconds`; this only covers a bench that exits (or crashes) while wrk runs.
const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** One wrk run; rejects when wrk fails or prints no result line. */
export async function runWrk(spec: WrkSpec): Promise<WrkResult> {
  const dir = await mkdtemp(join(tmpdir(), 'terrafix-bench-wrk-'));
  try {
    const pool = bodyPool('small');
    // JSON.stringify escapes tabs and newlines inside strings, so TAB and LF are safe separators.
    const poolFile = join(dir, 'bodies.tsv');
    await writeFile(poolFile, pool.parts.map(([prefix, suffix]) => `${prefix}\t${suffix}\n`).join(''));
    const script = join(dir, 'webhook.lua');
    await writeFile(script, WEBHOOK_LUA);
    const args = [
      `--threads=${spec.threads}`,
      `--connections=${Math.max(spec.threads, spec.connections)}`,
      `--duration=${Math.max(1, Math.round(spec.seconds))}s`,
      `--timeout=${spec.timeoutSeconds}s`,
      `--script=${script}`,
      `${spec.baseUrl}${spec.path}`,
      '--',
      poolFile,
      pool.tag,
    ];
    const started = performance.now();
    const child = spawn(spec.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) live.add(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4096)));
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    const cap = setTimeout(() => child.kill('SIGKILL'), (spec.seconds + spec.timeoutSeconds + 30) * 1000);
    const [code, signal] = await exited.finally(() => {
      clearTimeout(cap);
      if (child.pid !== undefined) live.delete(child.pid);
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
    if (code !== 0 || line === undefined)
      throw new Error(
        `wrk ${args.join(' ')}: exit ${code ?? signal}, ${line === undefined ? 'no WRK_RESULT line' : 'result printed'}\n` +
          `${stdout.slice(-2000)}${stderr}`,
      );
    return toLoadResult(JSON.parse(line.slice('WRK_RESULT '.length)) as WrkSummary, spec, wallSeconds);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function toLoadResult(s: WrkSummary, spec: WrkSpec, wallSeconds: number): WrkResult {
  const elapsedSeconds = Math.max(1e-3, s.duration_us / 1e6);
  // wrk counts status > 399 as errors.status and everything else as an answer: with no 1xx/3xx from these
  // servers, the rest are the 2xx.
  const ok = s.requests - s.errors.status;
  const ms = (us: number) => us / 1000;
  return {
    connections: Math.max(spec.threads, spec.connections),
    overallRate: null,
    elapsedSeconds,
    responses: s.requests,
    ok,
    non2xx: s.errors.status,
    statusCodes: { '2xx': ok, ...(s.errors.status > 0 ? { '>=400': s.errors.status } : {}) },
    errors: s.errors.connect + s.errors.read + s.errors.write,
    timeouts: s.errors.timeout,
    okPerSecond: ok / elapsedSeconds,
    latencyMs: {
      mean: ms(s.latency_us.mean),
      p50: ms(s.latency_us.p50),
      p90: ms(s.latency_us.p90),
      p99: ms(s.latency_us.p99),
      max: ms(s.latency_us.max),
    },
    cappedByMaxSeconds: false,
    generatorCpuSeconds: s.cpu_ticks < 0 ? Number.NaN : s.cpu_ticks / TICKS_PER_SECOND,
    generatorWallSeconds: wallSeconds,
  };
}
