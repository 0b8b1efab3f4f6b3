import type { FastifyInstance } from 'fastify';
import type { ApiServerConfig } from '../config/api-server.js';
import { TerraFixError } from '../pipeline/errors.js';
import { buildApiServer } from './build.js';
import { HttpDrain } from './http-drain.js';
import type { Env } from '../config/load.js';
import { createRuntimeForConfig, type RuntimeOverrides } from './runtime-for-config.js';
import type { ApiRuntime } from './runtime-types.js';

/** How often idle sockets are closed during a drain. */
const IDLE_REAP_MS = 100;
/** After the queue drained, how long handlers still get to send their answers. */
const ANSWER_GRACE_MS = 1_000;

export interface RunningServer {
  app: FastifyInstance;
  runtime: ApiRuntime;
  /** Base URL actually bound (port 0 resolves to the chosen port). */
  url: string;
  /** Graceful stop: refuse new work, finish accepted work, close resources. */
  stop(): Promise<void>;
}

/** Starts the API server for `config`'s mode (see createRuntimeForConfig) and listens. */
export async function startApiServer(
  config: ApiServerConfig,
  options: { env?: Env; overrides?: RuntimeOverrides } = {},
): Promise<RunningServer> {
  const runtime = await createRuntimeForConfig(config, options.overrides, options.env);
  const drain = new HttpDrain();
  const app = await buildApiServer(runtime, drain);
  try {
    await app.listen({ port: config.port, host: config.host, backlog: 511 });
  } catch (error) {
    await runtime.close();
    throw new TerraFixError('TFX_CONFIG', `cannot listen on ${config.host}:${config.port}`, {
      category: 'config',
      cause: error,
      field: 'TERRAFIX_API_PORT',
    });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let stopping: Promise<void> | undefined;
  return {
    app,
    runtime,
    url: `http://${host}:${port}`,
    stop() {
      stopping ??= (async () => {
        // close() stops accepting and closes idle keep-alive sockets; from then on every answer says
        // `Connection: close`, and sockets that fall idle are closed as they do (a client's pool cannot hold us).
        const closed = app.close();
        const reaper = setInterval(() => app.server.closeIdleConnections(), IDLE_REAP_MS);
        reaper.unref();
        try {
          // Accepted work finishes (bounded by the shutdown timeout), then handlers that wait on it answer.
          await runtime.close();
          await drain.settled(ANSWER_GRACE_MS);
        } finally {
          clearInterval(reaper);
          // What is left sent nothing or half a request: it holds no accepted work, so it must not hold the exit.
          app.server.closeAllConnections();
        }
        await closed;
      })();
      return stopping;
    },
  };
}
