import type { FastifyInstance } from 'fastify';
import type { ApiRuntime } from '../runtime-types.js';

/** Prometheus text exposition (`text/plain; version=0.0.4`). */
export function metricsRoute(app: FastifyInstance, runtime: ApiRuntime): void {
  app.get('/metrics', async (_request, reply) => {
    const body = await runtime.metrics.registry.metrics();
    return reply.type(runtime.metrics.registry.contentType).send(body);
  });
}
