import type { FastifyInstance } from 'fastify';
import type { ApiRuntime } from '../runtime-types.js';

/** `POST /configure`: mock mode only (403 otherwise); validated, answers with the effective configuration. */
export function configureRoute(app: FastifyInstance, runtime: ApiRuntime): void {
  app.post('/configure', async (request, reply) => {
    if (runtime.mock === undefined) {
      return reply.code(403).send({
        error: 'Runtime configuration is only available in mock mode (TERRAFIX_MOCK_MODE=true)',
        code: 'TFX_FORBIDDEN',
      });
    }
    const effective = runtime.mock.configure(request.body);
    runtime.logger.info({ config: effective }, 'Mock configuration updated');
    return { message: 'Configuration updated', ...effective };
  });
  app.get('/configure', async (_request, reply) => {
    if (runtime.mock === undefined)
      return reply.code(403).send({ error: 'Not in mock mode', code: 'TFX_FORBIDDEN' });
    return runtime.mock.effective();
  });
}
