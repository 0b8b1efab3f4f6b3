/** Builds real mock-mode pipelines for tests: zero latency, terraform off, silent logs, memory state by default. */
import {
  composeSimulated,
  type SimulatedComposition,
  type SimulatedEnvironment,
} from '../../src/composition/simulated.js';
import { type ApiServerConfig, loadApiServerConfig } from '../../src/config/api-server.js';
import type { Env } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { nullObserver } from '../../src/pipeline/observer.js';

/** The API server configuration of a mock run with no injected latency and no terraform. */
export function testConfig(extra: Env = {}): ApiServerConfig {
  return loadApiServerConfig({
    TERRAFIX_MOCK_MODE: 'true',
    TERRAFIX_MOCK_LATENCY_MS: '0',
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    TERRAFIX_PARSE_WORKERS: '1',
    PATH: process.env.PATH,
    ...extra,
  });
}

/** The mock pipeline the product composes from `testConfig(env)`; `overrides` replace parts of its environment. */
export function testPipeline(
  overrides: Partial<SimulatedEnvironment> & { redisUrl?: string } = {},
  env: Env = {},
): SimulatedComposition {
  const { redisUrl, ...environment } = overrides;
  const config = testConfig(env);
  return composeSimulated(
    { ...config, ...(redisUrl === undefined ? {} : { redisUrl }) },
    { logger: createLogger('silent'), observer: nullObserver, ...environment },
  );
}
