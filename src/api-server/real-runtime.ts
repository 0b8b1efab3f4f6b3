/**
 * The API server outside mock mode. Signed webhooks go onto the shared BullMQ queue that `serve` replicas work
 * (src/service/failure-queue.ts: job id = failure key), so a failure pushed here and polled by `serve` is run once
 * and opens one PR. With TERRAFIX_API_PROCESS=true this process works the queue too, over composeReal and the same
 * PR caps as `serve`; otherwise it only enqueues (the deployment's API server, which holds no adapter credentials).
 * Loaded on use: BullMQ, the AWS SDK and Octokit stay out of mock mode's start-up.
 */
import { CLAIM_LEASE_SECONDS, MAX_ATTEMPTS } from '../composition/pipeline.js';
import { type ApiServerConfig, requireWebhookSecret } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { loadServiceConfig, type ServiceConfig } from '../config/service.js';
import { createLogger } from '../observability/logger.js';
import { PipelineMetrics } from '../observability/pipeline-metrics.js';
import { createFailureQueue } from '../service/failure-queue.js';
import { createStateStore } from '../state/create-store.js';
import { acceptingBodies } from './shared-queue.js';
import type { RuntimeOverrides } from './runtime-for-config.js';
import { createApiRuntime } from './runtime.js';
import type { ApiRuntime } from './runtime-types.js';

/** Real mode's runtime; a missing webhook secret or adapter variable is a TFX_CONFIG error naming it. */
export async function createRealRuntime(
  config: ApiServerConfig,
  env: Env,
  overrides: RuntimeOverrides,
): Promise<ApiRuntime> {
  requireWebhookSecret(config);
  const loaded = loadServiceConfig(env);
  const service: ServiceConfig = {
    ...loaded,
    ...(overrides.redisKeyPrefix === undefined ? {} : { redisPrefix: overrides.redisKeyPrefix }),
  };
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const metrics = new PipelineMetrics();
  const shared = { ...config, redisUrl: service.redisUrl, retentionSeconds: service.retentionSeconds };
  if (!config.processJobs) {
    const state = createStateStore({
      redisUrl: service.redisUrl,
      keyPrefix: service.redisPrefix,
      retentionSeconds: service.retentionSeconds,
      claimLeaseSeconds: CLAIM_LEASE_SECONDS,
      maxAttempts: MAX_ATTEMPTS,
    });
    const queue = createFailureQueue({ config: service, logger });
    return createApiRuntime({
      config: shared,
      logger,
      metrics,
      composition: {
        state,
        stateBackend: 'redis',
        close: async () => {
          await Promise.allSettled([queue.close(), state.close()]);
        },
      },
      queue: () => acceptingBodies(queue),
    });
  }
  // Loaded only to work the queue: an intake never loads the AWS SDK or Octokit.
  const { createWorkingRuntime } = await import('./real-worker-runtime.js');
  return createWorkingRuntime(shared, env, service, logger, metrics, overrides);
}
