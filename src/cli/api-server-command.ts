import type { Command } from 'commander';
import { loadApiServerConfig } from '../config/api-server.js';
import { startApiServer } from '../api-server/server.js';
import type { Env } from '../config/load.js';
import { installGracefulShutdown } from './shutdown.js';

/**
 * `terrafix api-server`: the webhook intake on TERRAFIX_API_PORT (8081). Mock mode: simulated services. Real mode:
 * signed webhooks onto the shared queue (TERRAFIX_WEBHOOK_SECRET required), worked here with TERRAFIX_API_PROCESS.
 */
export function apiServerCommand(program: Command, env: Env): void {
  program
    .command('api-server')
    .description(
      'Run the API server (POST /webhook, /batch; GET /status, /metrics; POST /configure in mock mode)',
    )
    .option('--mock', 'run in mock mode (same as TERRAFIX_MOCK_MODE=true)')
    .option('--port <port>', 'listen port (overrides TERRAFIX_API_PORT)')
    .option('--host <address>', 'bind address (overrides TERRAFIX_API_HOST)')
    .action(async (options: { mock?: boolean; port?: string; host?: string }) => {
      const config = loadApiServerConfig({
        ...env,
        ...(options.mock === true ? { TERRAFIX_MOCK_MODE: 'true' } : {}),
        ...(options.port === undefined ? {} : { TERRAFIX_API_PORT: options.port }),
        ...(options.host === undefined ? {} : { TERRAFIX_API_HOST: options.host }),
      });
      const server = await startApiServer(config, { env });
      const { logger } = server.runtime;
      logger.info(
        {
          url: server.url,
          mockMode: config.mockMode,
          stateStore: server.runtime.stateBackend,
          signed: config.webhookSecret !== undefined,
          processJobs: config.mockMode || config.processJobs,
        },
        'API server listening',
      );
      void installGracefulShutdown(() => server.stop(), logger, { timeoutMs: config.shutdownTimeoutMs });
    });
}
