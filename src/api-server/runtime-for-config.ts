import { composeSimulated } from '../composition/simulated.js';
import type { ApiServerConfig } from '../config/api-server.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { PipelineMetrics } from '../observability/pipeline-metrics.js';
import { TerraFixError } from '../pipeline/errors.js';
import type { Sleep } from '../pipeline/retry.js';
import { createApiRuntime } from './runtime.js';
import type { ApiRuntime } from './runtime-types.js';

/** Test and bench seams; production passes none. */
export interface RuntimeOverrides {
  logger?: Logger;
  redisKeyPrefix?: string;
  sleep?: Sleep;
}

/**
 * The API server's runtime for `config`'s mode. Mock mode composes the simulated services. Without mock mode it
 * refuses: the API server's real mode (composeReal behind the runtime) is still to come.
 */
export async function createRuntimeForConfig(
  config: ApiServerConfig,
  overrides: RuntimeOverrides = {},
): Promise<ApiRuntime> {
  if (!config.mockMode) {
    throw new TerraFixError(
      'TFX_CONFIG',
      'the API server does not run real mode yet (terrafix process-once does); ' +
        'set TERRAFIX_MOCK_MODE=true to run the pipeline on simulated services',
      { category: 'config', field: 'TERRAFIX_MOCK_MODE' },
    );
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
