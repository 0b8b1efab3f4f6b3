import type { FastifyInstance } from 'fastify';
import type { ApiServerConfig } from '../config/api-server.js';
import { TerraFixError } from '../pipeline/errors.js';
import { buildApiServer } from './build.js';
import { createRuntimeForConfig } from './runtime-for-config.js';
import type { ApiRuntime } from './runtime-types.js';

export interface RunningServer {
  app: FastifyInstance;
  runtime: ApiRuntime;
  /** Base URL actually bound (port 0 resolves to the chosen port). */
  url: string;
  /** Graceful stop: refuse new work, finish accepted work, close resources. */
  stop(): Promise<void>;
}

/** Starts the API server for `config`'s mode (see createRuntimeForConfig) and listens. */
export async function startApiServer(config: ApiServerConfig): Promise<RunningServer> {
  const runtime = await createRuntimeForConfig(config);
  const app = await buildApiServer(runtime);
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
        // close() stops accepting and waits for in-flight requests (sync webhooks wait for their jobs);
        // runtime.close() then drains queued async jobs and releases the parser and state store.
        await Promise.all([app.close(), runtime.close()]);
      })();
      return stopping;
    },
  };
}
