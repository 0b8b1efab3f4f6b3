/**
 * The built-in load engine's maximum rate next to autocannon's, against the same trivial server (its own
 * process), same request, same connection count: autocannon, engine, autocannon again (drift shows).
 */
import { fileURLToPath } from 'node:url';
import { MAX_RATE_REQUEST, measureEngineMaxRate } from './support/max-rate.js';
import { baseEnv, freePort, HOST, startServer } from './children.js';
import type { BenchConfig } from './config.js';
import { runLoad } from './load.js';

export interface EngineComparison {
  connections: number;
  seconds: number;
  autocannonRps: number[];
  engineRps: number;
  engineErrors: number;
  /** Engine rps over the mean of the autocannon runs (target: >= 1). */
  ratio: number;
}

const TRIVIAL = fileURLToPath(new URL('./support/trivial-server-main.js', import.meta.url));

/** Runs the comparison on a fresh trivial server and stops it. */
export async function compareEngineWithAutocannon(config: BenchConfig): Promise<EngineComparison> {
  const port = await freePort();
  const server = await startServer({
    name: 'trivial',
    script: TRIVIAL,
    args: [String(port)],
    env: baseEnv(),
    port,
    readyPath: '/',
  });
  const baseUrl = `http://${HOST}:${port}`;
  const body = { next: () => MAX_RATE_REQUEST.body, issued: 0 };
  const autocannon = async () =>
    (
      await runLoad({
        baseUrl,
        path: MAX_RATE_REQUEST.path,
        bodies: body,
        connections: config.connections,
        seconds: config.seconds,
      })
    ).okPerSecond;
  try {
    const first = await autocannon();
    const engine = await measureEngineMaxRate(baseUrl, config.seconds, config.connections);
    const second = await autocannon();
    const mean = (first + second) / 2;
    return {
      connections: config.connections,
      seconds: config.seconds,
      autocannonRps: [Math.round(first), Math.round(second)],
      engineRps: Math.round(engine.requestsPerSecond),
      engineErrors: engine.errors,
      ratio: mean === 0 ? 0 : Math.round((engine.requestsPerSecond / mean) * 1000) / 1000,
    };
  } finally {
    await server.stop();
  }
}
