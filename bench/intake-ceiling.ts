/**
 * Diagnostic: how fast TerraFix accepts async webhooks when no processing competes for its event loop.
 * A throwaway server gets a 600 s mock latency and one worker, so accepted jobs just wait; it is killed
 * afterwards (its queue is never drained). Compare with the async run to see what processing costs intake.
 */
import { uniqueBodies } from './bodies.js';
import type { BenchConfig } from './config.js';
import { runLoad } from './load.js';
import { withCpuShare } from './proc-cpu.js';
import { configure, startTerraFix } from './terrafix.js';
import type { ThroughputRun } from './throughput.js';

export interface IntakeCeiling extends ThroughputRun {
  setup: string;
}

/** Async intake rate with processing parked; the server is killed at the end. */
export async function measureIntakeCeiling(config: BenchConfig): Promise<IntakeCeiling> {
  const server = await startTerraFix('terrafix-intake-only', config.serverNodeArgs);
  try {
    const settings = { latency_ms: 600_000, failure_rate: 0, workers: 1, queue_limit: 1_000_000 };
    await configure(server, settings);
    const run = (seconds: number) =>
      withCpuShare(server.pid, () =>
        runLoad({
          baseUrl: server.url,
          path: '/webhook?mode=async',
          bodies: uniqueBodies('small'),
          connections: config.connections,
          seconds,
          timeoutSeconds: 30,
        }),
      );
    if (config.warmupSeconds > 0) await run(config.warmupSeconds);
    const { value, cpu } = await run(config.seconds);
    return { ...value, cpu, setup: JSON.stringify(settings) };
  } finally {
    // Jobs sleep in mock latency, so a graceful stop would wait for them: kill it.
    await server.stop(500);
  }
}
