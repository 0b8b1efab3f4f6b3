/**
 * Side-by-side throughput: bare fastify, TerraFix async, TerraFix sync, bare fastify again, all with the
 * same load generator, connections and duration, so drift on a shared machine shows between the two bare runs.
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

export interface ThroughputResults {
  bare1: ThroughputRun;
  async: ThroughputRun & {
    queueLimit: number;
    /** Time after the run until every accepted job had been processed. */
    drainMs: number;
    /** Failures the workers processed from the start of the run to the end of the drain, per second. */
    backgroundProcessedPerSecond: number;
  };
  sync: ThroughputRun;
  bare2: ThroughputRun;
  bareMeanRps: number;
  asyncRatio: number;
  syncRatio: number;
}

const DRAIN_TIMEOUT_MS = 20 * 60_000;

/** Measures the four runs in order; both servers must be up. */
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
  const warm = async (server: ChildServer, path: string) => {
    if (config.warmupSeconds > 0) await load(server, path, config.warmupSeconds);
  };

  log('throughput: bare fastify (1 of 2)');
  await warm(bare, '/webhook');
  const bare1 = await load(bare, '/webhook', config.seconds);

  log(`throughput: TerraFix async (queue_limit ${config.asyncQueueLimit})`);
  await configure(tfx, {
    latency_ms: 0,
    failure_rate: 0,
    parse_cache: true,
    workers: 256,
    queue_limit: config.asyncQueueLimit,
  });
  // A short async warm-up: everything it queues has to be processed before the measured run.
  if (config.warmupSeconds > 0) await load(tfx, '/webhook?mode=async', Math.min(1, config.warmupSeconds));
  await waitDrained(tfx, DRAIN_TIMEOUT_MS);
  await resetStats(tfx);
  const asyncStart = performance.now();
  const asyncRun = await load(tfx, '/webhook?mode=async', config.seconds);
  log(`throughput: draining ${asyncRun.ok} accepted async jobs`);
  const drainMs = await waitDrained(tfx, DRAIN_TIMEOUT_MS);
  const processed = (await readStatus(tfx.url)).failures.processed;
  const backgroundProcessedPerSecond = processed / ((performance.now() - asyncStart) / 1000);

  log('throughput: TerraFix sync (warm cache)');
  await resetStats(tfx);
  await warm(tfx, '/webhook');
  await resetStats(tfx);
  const sync = await load(tfx, '/webhook', config.seconds, true);

  log('throughput: bare fastify (2 of 2)');
  const bare2 = await load(bare, '/webhook', config.seconds);

  const bareMeanRps = (bare1.okPerSecond + bare2.okPerSecond) / 2;
  return {
    bare1,
    async: { ...asyncRun, queueLimit: config.asyncQueueLimit, drainMs, backgroundProcessedPerSecond },
    sync,
    bare2,
    bareMeanRps,
    asyncRatio: asyncRun.okPerSecond / bareMeanRps,
    syncRatio: sync.okPerSecond / bareMeanRps,
  };
}
