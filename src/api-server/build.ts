import Fastify, { type FastifyInstance } from 'fastify';
import { apiServerApp } from './app.js';
import { answerClientError } from './client-errors.js';
import { HttpDrain } from './http-drain.js';
import type { ApiRuntime } from './runtime-types.js';

/**
 * A ready fastify instance over `runtime`, not listening. Tests call `inject`; server.ts listens and passes the
 * `drain` it closes connections by.
 */
export async function buildApiServer(runtime: ApiRuntime, drain = new HttpDrain()): Promise<FastifyInstance> {
  const requestTimeout = runtime.config.bodyTimeoutMs;
  const app = Fastify({
    // No fastify logger: with one, fastify creates a child logger and attaches finish/error listeners for
    // every request, which together cost more at load-test rates than everything else in the async answer.
    // The app logs through runtime.logger itself (errors in the error handler, startup and shutdown lines).
    logger: false,
    bodyLimit: runtime.config.bodyLimitBytes,
    // Longer than common load balancer idle timeouts (ALB: 60 s), so the balancer closes first.
    keepAliveTimeout: 65_000,
    // A request (headers and body) must arrive within this, or it gets 408 and its socket closes: a client that
    // sends half a body and stops holds nothing for long. Node checks at connectionsCheckingInterval.
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout: Math.min(60_000, requestTimeout),
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeout / 4))),
    },
    clientErrorHandler: answerClientError,
    // During a drain app.ts answers 503 itself, in our error body shape and with Retry-After.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });
  await app.register(apiServerApp(runtime, drain));
  await app.ready();
  return app;
}
