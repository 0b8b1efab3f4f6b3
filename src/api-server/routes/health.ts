import type { FastifyInstance } from 'fastify';
import type { ApiRuntime } from '../runtime-types.js';

/** `/health` (liveness: the process answers) and `/ready` (the state store answers and we are not draining). */
export function healthRoutes(app: FastifyInstance, runtime: ApiRuntime): void {
  let draining = false;
  app.addHook('onClose', () => {
    draining = true;
  });
  app.get('/health', () => ({ status: 'healthy' }));
  app.get('/ready', async (_request, reply) => {
    const stateStore = await runtime.state.ping().then(
      () => 'connected',
      () => 'unreachable',
    );
    const ready = !draining && stateStore === 'connected';
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      state_store: stateStore,
      backend: runtime.stateBackend,
      draining,
    });
  });
}
