/** Builds real mock-mode pipelines for tests: zero latency, terraform off, silent logs, memory state by default. */
import { type ApiServerConfig, loadApiServerConfig } from '../../src/config/api-server.js';
import type { Env } from '../../src/config/load.js';
import {
  createMockPipeline,
  type MockPipeline,
  type MockPipelineOptions,
} from '../../src/composition/mock-pipeline.js';
import { createLogger } from '../../src/observability/logger.js';
import { nullObserver } from '../../src/pipeline/observer.js';

/** The API server configuration of a mock run with no injected latency and no terraform. */
export function testConfig(extra: Env = {}): ApiServerConfig {
  return loadApiServerConfig({
    TERRAFIX_MOCK_MODE: 'true',
    TERRAFIX_MOCK_LATENCY_MS: '0',
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    PATH: process.env.PATH,
    ...extra,
  });
}

/** A mock pipeline over `testConfig(env)`; `overrides` replace individual options (sleep, redisUrl, ...). */
export function testPipeline(overrides: Partial<MockPipelineOptions> = {}, env: Env = {}): MockPipeline {
  const config = testConfig(env);
  return createMockPipeline({
    logger: createLogger('silent'),
    mock: config.mock,
    parse: { ...config.parse, workers: 1 },
    terraform: config.terraform,
    retentionSeconds: config.retentionSeconds,
    observer: nullObserver,
    ...overrides,
  });
}
