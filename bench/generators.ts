/**
 * The load generators a throughput run can use: autocannon (in this process) and wrk (its own process).
 * Both send the same bodies over the same number of keep-alive connections and count only 2xx as
 * throughput; a generator that cannot run is reported as skipped with its reason.
 */
import { uniqueBodies } from './bodies.js';
import type { ChildServer } from './children.js';
import type { BenchConfig } from './config.js';
import { type LoadResult, runLoad } from './load.js';
import { type CpuShare, processCpuSeconds, withCpuShare } from './proc-cpu.js';
import { runWrk, wrkUnavailable } from './wrk.js';

export type GeneratorName = 'autocannon' | 'wrk';

export interface ThroughputRun extends LoadResult {
  cpu: CpuShare;
}

export interface LoadGenerator {
  name: GeneratorName;
  /** What the report says about how it was run. */
  setup: string;
  run(server: ChildServer, path: string, seconds: number, collectTimings?: boolean): Promise<ThroughputRun>;
}

export interface SkippedGenerator {
  name: GeneratorName;
  reason: string;
}

// Answers slower than this are timeouts for either generator.
const TIMEOUT_SECONDS = 30;

function autocannonGenerator(config: BenchConfig): LoadGenerator {
  return {
    name: 'autocannon',
    setup: `autocannon in the bench process, ${config.connections} connections`,
    async run(server, path, seconds, collectTimings = false) {
      const { value, cpu } = await withCpuShare(server.pid, () =>
        runLoad({
          baseUrl: server.url,
          path,
          bodies: uniqueBodies('small'),
          connections: config.connections,
          seconds,
          timeoutSeconds: TIMEOUT_SECONDS,
          collectTimings,
        }),
      );
      return { ...value, cpu };
    },
  };
}

function wrkGenerator(config: BenchConfig): LoadGenerator {
  return {
    name: 'wrk',
    setup: `${config.wrk} with ${config.wrkThreads} thread(s), ${config.connections} connections, bodies built in Lua`,
    // No timings_ms from wrk (that needs a response() hook, which costs wrk a Lua call and a parse per answer).
    async run(server, path, seconds) {
      const server0 = processCpuSeconds(server.pid);
      const t0 = performance.now();
      const result = await runWrk({
        binary: config.wrk,
        baseUrl: server.url,
        path,
        connections: config.connections,
        threads: config.wrkThreads,
        seconds,
        timeoutSeconds: TIMEOUT_SECONDS,
      });
      const wall = (performance.now() - t0) / 1000;
      return {
        ...result,
        cpu: {
          serverCores: (processCpuSeconds(server.pid) - server0) / wall,
          loadgenCores: result.generatorCpuSeconds / result.generatorWallSeconds,
        },
      };
    },
  };
}

/** The generators to measure with, in a fixed order, and the ones skipped (with why). */
export function loadGenerators(config: BenchConfig): {
  generators: LoadGenerator[];
  skipped: SkippedGenerator[];
} {
  const generators = [autocannonGenerator(config)];
  const skipped: SkippedGenerator[] = [];
  const missing = wrkUnavailable(config.wrk);
  if (missing === undefined) generators.push(wrkGenerator(config));
  else skipped.push({ name: 'wrk', reason: missing });
  return { generators, skipped };
}
