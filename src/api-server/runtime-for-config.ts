import { composeSimulated } from '../composition/simulated.js';
import type { ApiServerConfig } from '../config/api-server.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { PipelineMetrics } from '../observability/pipeline-metrics.js';
import type { RealOverrides } from '../composition/real.js';
import type { Env } from '../config/load.js';
import type { Sleep } from '../pipeline/retry.js';
import { createApiRuntime } from './runtime.js';
import type { ApiRuntime } from './runtime-types.js';

/** Test and bench seams; production passes none. */
export interface RuntimeOverrides {
  logger?: Logger;
  redisKeyPrefix?: string;
  sleep?: Sleep;
  /** Real mode: the fakes' endpoints and test timings for the adapters. */
  real?: RealOverrides;
}

/**
 * The API server's runtime for `config`'s mode. Mock mode composes the simulated services. Real mode (loaded on
 * use, see real-runtime.ts) reads the rest of its settings from `env`: the shared queue's and, when this process
 * works the queue, the adapters' variables.
 */
export async function createRuntimeForConfig(
  config: ApiServerConfig,
  overrides: RuntimeOverrides = {},
  env: Env = {},
): Promise<ApiRuntime> {
  if (!config.mockMode) {
    const { createRealRuntime } = await import('./real-runtime.js');
    return createRealRuntime(config, env, overrides);
  }
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const metrics = new PipelineMetrics();
  const composition = composeSimulated(config, {
    logger,
    observer: metrics.observer,
    onInjected: (stage, kind) => metrics.injectedFaults.inc({ stage, kind }),
    ...(overrides.redisKeyPrefix === undefined ? {} : { redisKeyPrefix: overrides.redisKeyPrefix }),
    ...(overrides.sleep === undefined ? {} : { sleep: overrides.sleep }),
  });
  return createApiRuntime({ config, logger, metrics, composition, mock: composition.controls });
}
