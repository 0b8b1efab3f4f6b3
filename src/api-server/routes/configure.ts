import type { FastifyInstance } from 'fastify';
import { parseOrThrow } from '../../pipeline/validate-input.js';
import { configureBodySchema } from '../../contracts/configure-body.js';
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
    const patch = parseOrThrow(configureBodySchema, request.body ?? {}, 'configuration');
    const effective = await runtime.mock.configure(patch);
    runtime.logger.info({ config: effective }, 'Mock configuration updated');
    return { message: 'Configuration updated', ...effective };
  });
  app.get('/configure', async (_request, reply) => {
    if (runtime.mock === undefined)
      return reply.code(403).send({ error: 'Not in mock mode', code: 'TFX_FORBIDDEN' });
    return runtime.mock.effective();
  });
}
