import Fastify, { type FastifyInstance } from 'fastify';
import { apiServerApp } from './app.js';
import type { ApiRuntime } from './runtime-types.js';

/** A ready fastify instance over `runtime`, not listening. Tests call `inject`; server.ts listens. */
export async function buildApiServer(runtime: ApiRuntime): Promise<FastifyInstance> {
  const app = Fastify({
    // No fastify logger: with one, fastify creates a child logger and attaches finish/error listeners for
    // every request, which together cost more at load-test rates than everything else in the async answer.
    // The app logs through runtime.logger itself (errors in the error handler, startup and shutdown lines).
    logger: false,
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
