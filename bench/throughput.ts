/**
 * Side-by-side throughput in rounds: bare fastify, TerraFix async, TerraFix sync, then the next round, and
 * bare fastify once more at the end, all with the same load generator, connections and duration. Each
 * TerraFix run is compared with the two bare runs around it, and the verdict takes the median round, so a
 * noisy moment on a shared machine moves one round, not the result.
 */
import { uniqueBodies } from './bodies.js';
import type { ChildServer } from './children.js';
import type { BenchConfig } from './config.js';
import { type LoadResult, runLoad } from './load.js';
import { readStatus } from './metrics-scrape.js';
import { type CpuShare, withCpuShare } from './proc-cpu.js';
import { configure, resetStats, waitDrained } from './terrafix.js';

export interface ThroughputRun extends LoadResult {
  cpu: CpuShare;
}

export interface AsyncRun extends ThroughputRun {
  queueLimit: number;
  /** Failures processed while the load ran (background work yields to saturated intake). */
  processedDuringRun: number;
  /** Time after the run until every accepted job had been processed. */
  drainMs: number;
  /** Failures the workers processed from the start of the run to the end of the drain, per second. */
  backgroundProcessedPerSecond: number;
}

export interface ThroughputRound {
  /** The bare fastify run before this round's TerraFix runs (the next round's, or the final one, comes after). */
  bareBefore: ThroughputRun;
  async: AsyncRun;
  sync: ThroughputRun;
  bareAfter: ThroughputRun;
  asyncRatio: number;
  syncRatio: number;
}

export interface ThroughputResults {
  rounds: ThroughputRound[];
  /** Every bare run, in order (rounds + 1). */
  bare: ThroughputRun[];
  bareMeanRps: number;
  /** Median over rounds of async 2xx/s ÷ mean of the bare runs around it. */
  asyncRatio: number;
  syncRatio: number;
}

const DRAIN_TIMEOUT_MS = 20 * 60_000;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** Measures `config.rounds` rounds; both servers must be up. */
export async function measureThroughput(
  config: BenchConfig,
  bare: ChildServer,
  tfx: ChildServer,
  log: (line: string) => void,
): Promise<ThroughputResults> {
  const load = async (server: ChildServer, path: string, seconds: number, collectTimings = false) => {
    const { value, cpu } = await withCpuShare(server.pid, () =>
      runLoad({
        baseUrl: server.url,
        path,
        bodies: uniqueBodies('small'),
        connections: config.connections,
        seconds,
        timeoutSeconds: 30,
        collectTimings,
      }),
    );
    return { ...value, cpu };
  };
  const warm = async (server: ChildServer, path: string, seconds = config.warmupSeconds) => {
    if (seconds > 0) await load(server, path, seconds);
  };
  const bareRun = async (label: string) => {
    log(`throughput: bare fastify (${label})`);
    await warm(bare, '/webhook');
    return load(bare, '/webhook', config.seconds);
  };

  await configure(tfx, {
    latency_ms: 0,
    failure_rate: 0,
    parse_cache: true,
    workers: 256,
    queue_limit: config.asyncQueueLimit,
  });
  const bareRuns: ThroughputRun[] = [await bareRun(`1 of ${config.rounds + 1}`)];
  const partial: Omit<ThroughputRound, 'bareAfter' | 'asyncRatio' | 'syncRatio'>[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    log(`throughput round ${round}/${config.rounds}: TerraFix async (queue_limit ${config.asyncQueueLimit})`);
    // A short async warm-up: everything it queues is processed before the measured run.
    await warm(tfx, '/webhook?mode=async', Math.min(1, config.warmupSeconds));
    await waitDrained(tfx, DRAIN_TIMEOUT_MS);
    await resetStats(tfx);
    const asyncStart = performance.now();
    const asyncRun = await load(tfx, '/webhook?mode=async', config.seconds);
    const processedDuringRun = (await readStatus(tfx.url)).failures.processed;
    log(`throughput: draining ${asyncRun.ok - processedDuringRun} accepted async jobs`);
    const drainMs = await waitDrained(tfx, DRAIN_TIMEOUT_MS);
    const processed = (await readStatus(tfx.url)).failures.processed;
    const backgroundProcessedPerSecond = processed / ((performance.now() - asyncStart) / 1000);

    log(`throughput round ${round}/${config.rounds}: TerraFix sync (warm cache)`);
    await resetStats(tfx);
    await warm(tfx, '/webhook');
    await resetStats(tfx);
    const sync = await load(tfx, '/webhook', config.seconds, true);
    partial.push({
      bareBefore: bareRuns[bareRuns.length - 1] as ThroughputRun,
      async: {
        ...asyncRun,
        queueLimit: config.asyncQueueLimit,
        processedDuringRun,
        drainMs,
        backgroundProcessedPerSecond,
      },
      sync,
    });
    bareRuns.push(await bareRun(`${round + 1} of ${config.rounds + 1}`));
  }
  const rounds = partial.map((r, i): ThroughputRound => {
    const bareAfter = bareRuns[i + 1] as ThroughputRun;
    const around = (r.bareBefore.okPerSecond + bareAfter.okPerSecond) / 2;
    return {
      ...r,
      bareAfter,
      asyncRatio: r.async.okPerSecond / around,
      syncRatio: r.sync.okPerSecond / around,
    };
  });
  return {
    rounds,
    bare: bareRuns,
    bareMeanRps: bareRuns.reduce((sum, run) => sum + run.okPerSecond, 0) / bareRuns.length,
    asyncRatio: median(rounds.map((r) => r.asyncRatio)),
    syncRatio: median(rounds.map((r) => r.syncRatio)),
  };
}
