/**
 * Server CPU per processed failure by repository size: the delta of process_cpu_seconds_total over the
 * delta of failures_processed_total across a fixed number of sync webhooks.
 */
import { REPO_SIZES, type RepoSize } from '../src/pipeline/failure.js';
import { uniqueBodies } from './bodies.js';
import type { ChildServer } from './children.js';
import type { BenchConfig } from './config.js';
import { type LoadResult, runLoad } from './load.js';
import { readCounters, readStatus } from './metrics-scrape.js';
import { configure, resetStats, waitDrained } from './terrafix.js';

export type CacheState = 'warm' | 'cold';

export interface CpuPerFailure {
  size: RepoSize;
  cache: CacheState;
  requested: number;
  processed: number;
  cpuSeconds: number;
  cpuMsPerFailure: number;
  /** Server cores busy on average (CPU seconds over the load's first-request-to-last-answer time). */
  serverCores: number;
  /** HCL parses sent to a worker per processed failure (parse-cache misses: repository files when cold,
   * edited files whose content the cache has not seen yet). */
  parsesPerFailure: number;
  load: LoadResult;
}

/** Requests per size at scale 1: enough for a stable mean, few enough for a bounded run. */
export const CPU_COUNTS: Readonly<Record<CacheState, Record<RepoSize, number>>> = {
  warm: { small: 2000, medium: 1000, large: 300 },
  cold: { small: 500, medium: 200, large: 50 },
};

/** One size and cache state: prime, reset, scrape, run, scrape. */
async function measureOne(
  config: BenchConfig,
  tfx: ChildServer,
  size: RepoSize,
  cache: CacheState,
): Promise<CpuPerFailure> {
  const requested = Math.max(config.cpuConnections, Math.round(CPU_COUNTS[cache][size] * config.cpuScale));
  await configure(tfx, { latency_ms: 0, failure_rate: 0, parse_cache: cache === 'warm', workers: 256 });
  // Priming: a warm cache holds this size's files and fixed files; a cold run still wants a JIT-warm server.
  const priming =
    cache === 'warm' ? Math.max(config.cpuConnections, Math.min(200, requested >> 2)) : config.cpuConnections;
  await runLoad({
    baseUrl: tfx.url,
    path: '/webhook',
    bodies: uniqueBodies(size),
    connections: config.cpuConnections,
    amount: priming,
    timeoutSeconds: 300,
  });
  await waitDrained(tfx, 60_000);
  await resetStats(tfx);
  const before = await readCounters(tfx.url);
  const parsesBefore = (await readStatus(tfx.url)).parse_cache.misses;
  const load = await runLoad({
    baseUrl: tfx.url,
    path: '/webhook',
    bodies: uniqueBodies(size),
    connections: config.cpuConnections,
    amount: requested,
    timeoutSeconds: 300,
    maxSeconds: 900,
    collectTimings: true,
  });
  const after = await readCounters(tfx.url);
  const parses = (await readStatus(tfx.url)).parse_cache.misses - parsesBefore;
  const processed = after.processed - before.processed;
  const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
  return {
    size,
    cache,
    requested,
    processed,
    cpuSeconds,
    cpuMsPerFailure: processed > 0 ? (cpuSeconds * 1000) / processed : Number.NaN,
    // Not the time between the scrapes: autocannon reports a counted run only at its next 1 s tick.
    serverCores: cpuSeconds / load.elapsedSeconds,
    parsesPerFailure: processed > 0 ? parses / processed : Number.NaN,
    load,
  };
}

/** Every size warm, then (if enabled) every size cold; leaves the server with the cache on. */
export async function measureCpuPerFailure(
  config: BenchConfig,
  tfx: ChildServer,
  log: (line: string) => void,
): Promise<CpuPerFailure[]> {
  const results: CpuPerFailure[] = [];
  const states: CacheState[] = config.coldCpu ? ['warm', 'cold'] : ['warm'];
  try {
    for (const cache of states) {
      for (const size of REPO_SIZES) {
        log(`cpu per failure: ${size} repository, ${cache} cache`);
        results.push(await measureOne(config, tfx, size, cache));
      }
    }
  } finally {
    await configure(tfx, { parse_cache: true });
  }
  return results;
}
