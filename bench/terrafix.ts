/** The TerraFix mock-mode API server as the benchmark runs it, and its control endpoints. */
import { fileURLToPath } from 'node:url';
import { baseEnv, type ChildServer, freePort, HOST, startServer } from './children.js';
import { postOk } from './http.js';
import { readStatus } from './metrics-scrape.js';

/** The server's settings for every run; terraform validate is off so the figures measure TerraFix itself. */
export const TERRAFIX_ENV = {
  TERRAFIX_MOCK_MODE: 'true',
  TERRAFIX_API_HOST: HOST,
  TERRAFIX_MOCK_LATENCY_MS: '0',
  TERRAFIX_MOCK_FAILURE_RATE: '0',
  TERRAFIX_MOCK_SEED: '1',
  TERRAFIX_WORKERS: '256',
  TERRAFIX_QUEUE_LIMIT: '5000',
  TERRAFIX_PARSE_CACHE: 'true',
  TERRAFIX_TERRAFORM_VALIDATE: 'off',
  LOG_LEVEL: 'warn',
  // Jobs started per event-loop turn; BENCH_DISPATCH_SLICE tries other values.
  ...(process.env.BENCH_DISPATCH_SLICE === undefined
    ? {}
    : { TERRAFIX_DISPATCH_SLICE: process.env.BENCH_DISPATCH_SLICE }),
} as const;

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const BARE = fileURLToPath(new URL('./servers/bare-fastify.js', import.meta.url));

/**
 * `node dist/src/cli/main.js api-server` in mock mode on a free port; `cli` runs another build's CLI instead (the
 * A/B comparison of builds).
 */
export async function startTerraFix(
  name: string,
  nodeArgs: string[] = [],
  extraEnv: Record<string, string> = {},
  cli: string = CLI,
): Promise<ChildServer> {
  const port = await freePort();
  return startServer({
    name,
    script: cli,
    args: ['api-server'],
    nodeArgs,
    env: { ...baseEnv(), ...TERRAFIX_ENV, ...extraEnv, TERRAFIX_API_PORT: String(port) },
    port,
    readyPath: '/ready',
    readyTimeoutMs: 60_000,
  });
}

/** The baseline fastify server on a free port. */
export async function startBareFastify(): Promise<ChildServer> {
  const port = await freePort();
  return startServer({
    name: 'bare-fastify',
    script: BARE,
    args: [String(port)],
    env: baseEnv(),
    port,
    readyPath: '/ready',
  });
}

export interface MockSettings {
  latency_ms?: number;
  failure_rate?: number;
  parse_cache?: boolean;
  workers?: number;
  queue_limit?: number;
}

/** POST /configure; answers the effective configuration. */
export function configure(server: ChildServer, settings: MockSettings): Promise<Record<string, unknown>> {
  return postOk<Record<string, unknown>>(`${server.url}/configure`, settings);
}

/** POST /stats/reset, clearing dedup state too. */
export async function resetStats(server: ChildServer): Promise<void> {
  await postOk(`${server.url}/stats/reset`, { clear_state: true });
}

/** Polls /status until no job is queued or running; answers how long it took (ms). */
export async function waitDrained(server: ChildServer, timeoutMs: number): Promise<number> {
  const start = performance.now();
  for (;;) {
    const status = await readStatus(server.url);
    if (status.queue.depth === 0 && status.queue.active_workers === 0) return performance.now() - start;
    if (performance.now() - start > timeoutMs)
      throw new Error(
        `${server.name}: queue not drained after ${timeoutMs} ms (depth ${status.queue.depth})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
