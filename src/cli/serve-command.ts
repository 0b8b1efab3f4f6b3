import type { Command } from 'commander';
import type { Env } from '../config/load.js';
import { loadServiceConfig } from '../config/service.js';
import { createLogger } from '../observability/logger.js';
import { installGracefulShutdown } from './shutdown.js';

/** `terrafix serve`: the production service (poller, shared queue workers, health server on 8080) until SIGTERM. */
export function serveCommand(program: Command, env: Env): void {
  program
    .command('serve')
    .description(
      'Run the production service: poll Vanta (one leader across replicas), remediate through the shared Redis ' +
        'queue, serve /health, /ready, /status and /metrics on TERRAFIX_HEALTH_PORT (8080); SIGTERM drains',
    )
    .action(async () => {
      const config = loadServiceConfig(env);
      const logger = createLogger(config.logLevel);
      // Loaded on use: the service pulls in the AWS SDK, Octokit, BullMQ and simple-git, which `api-server` and
      // the lab commands must not pay for at start-up.
      const { startService } = await import('../service/service.js');
      const service = await startService(env, { logger });
      void installGracefulShutdown(() => service.stop(), logger, { timeoutMs: config.drainTimeoutMs });
    });
}
