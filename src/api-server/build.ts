import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { apiServerApp } from './app.js';
import type { ApiRuntime } from './runtime-types.js';

/** A ready fastify instance over `runtime`, not listening. Tests call `inject`; server.ts listens. */
export async function buildApiServer(runtime: ApiRuntime): Promise<FastifyInstance> {
  // Widened so the instance type is fastify's default (routes and plugins are typed against it).
  const logger: FastifyBaseLogger = runtime.logger;
  const app = Fastify({
    loggerInstance: logger,
    // Per-request access logs cost more than the request at load-test rates; metrics cover them.
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger: nothing logs per request, and creating one (with redaction) costs ~5 % of intake.
    childLoggerFactory: (parent) => parent,
    bodyLimit: runtime.config.bodyLimitBytes,
    // Longer than common load balancer idle timeouts (ALB: 60 s), so the balancer closes first.
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  await app.register(apiServerApp(runtime));
  await app.ready();
  return app;
}
