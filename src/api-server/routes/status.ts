import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseOrThrow } from '../../pipeline/validate-input.js';
import type { ApiRuntime } from '../runtime-types.js';

const resetBody = z.strictObject({ clear_state: z.boolean().optional() }).optional();

/** `/status` (the guide's shape plus queue, dedup, faults, cache and effective mock config) and `/stats/reset`. */
export function statusRoutes(app: FastifyInstance, runtime: ApiRuntime): void {
  app.get('/status', async () => {
    const { metrics } = runtime;
    const counter = async (c: {
      get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }>;
    }) => (await c.get()).values;
    const failed = await counter(metrics.failuresFailed);
    const queue = await runtime.queue.stats();
    const sum = async (c: Parameters<typeof counter>[0]) =>
      (await counter(c)).reduce((t, v) => t + v.value, 0);
    return {
      status: 'running',
      mock_mode: runtime.config.mockMode,
      stats: runtime.stats.snapshot(),
      failures: {
        processed: await sum(metrics.failuresProcessed),
        successful: await sum(metrics.failuresSuccessful),
        skipped: await sum(metrics.failuresSkipped),
        failed: failed.reduce((t, v) => t + v.value, 0),
        failed_by_code: Object.fromEntries(failed.map((v) => [String(v.labels.code), v.value])),
        prs_created: await sum(metrics.prsCreated),
        retries: await sum(metrics.retries),
      },
      dedup: { hits: await sum(metrics.dedupHits) },
      queue: {
        depth: queue.depth,
        active_workers: queue.active,
        workers: queue.workers,
        limit: queue.limit,
        // True while async jobs start slowly because intake saturates the event loop (docs/api.md: backpressure).
        background_yielding: queue.yieldingToIntake,
      },
      parse_cache: runtime.parseCache(),
      terraform_validate: { mode: runtime.config.terraform.mode, ...runtime.terraform() },
      state_store: { backend: runtime.stateBackend },
      ...(runtime.mock === undefined
        ? {}
        : {
            injected_faults: runtime.mock.injected(),
            simulated_github: (({ created, reused }) => ({ created, reused }))(runtime.mock.publisherLog()),
            config: await runtime.mock.effective(),
          }),
    };
  });

  const reset = async (clearState: boolean) => {
    runtime.stats.reset();
    runtime.metrics.reset();
    runtime.mock?.reset({ clearState });
    if (clearState) await runtime.state.clear();
    return { message: 'Stats reset', state_cleared: clearState };
  };
  app.post('/stats/reset', async (request, reply) => {
    const body = parseOrThrow(resetBody, request.body ?? undefined, 'reset request');
    // Outside mock mode the state store is the service's shared record of every failure: not for an HTTP call.
    if (body?.clear_state === true && runtime.mock === undefined) {
      return reply.code(403).send({
        error: 'clear_state is only available in mock mode (TERRAFIX_MOCK_MODE=true)',
        code: 'TFX_FORBIDDEN',
      });
    }
    return reset(body?.clear_state ?? false);
  });
  // The product guide resets with a plain `curl` (GET); kept for that line, counters only.
  app.get('/stats/reset', async () => reset(false));
}
