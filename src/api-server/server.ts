import type { FastifyInstance } from 'fastify';
import type { ApiServerConfig } from '../config/api-server.js';
import { TerraFixError } from '../pipeline/errors.js';
import { buildApiServer } from './build.js';
import { createMockRuntime } from './mock-runtime.js';
import type { ApiRuntime } from './runtime-types.js';

export interface RunningServer {
  app: FastifyInstance;
  runtime: ApiRuntime;
  /** Base URL actually bound (port 0 resolves to the chosen port). */
  url: string;
  /** Graceful stop: refuse new work, finish accepted work, close resources. */
  stop(): Promise<void>;
}

/**
 * Starts the API server. Without mock mode it refuses: real mode needs the Vanta, Bedrock, GitHub and git
 * adapters, which this build does not have yet; answering as if it did would be a lie.
 */
export async function startApiServer(config: ApiServerConfig): Promise<RunningServer> {
  if (!config.mockMode) {
    throw new TerraFixError(
      'TFX_CONFIG',
      'real mode needs the service adapters (Vanta, Bedrock, GitHub, git), which are not available in this build; ' +
        'set TERRAFIX_MOCK_MODE=true to run the pipeline on simulated services',
      { category: 'config', field: 'TERRAFIX_MOCK_MODE' },
    );
  }
  const runtime = await createMockRuntime(config);
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
