/** Builds the real API server (mock mode) for `inject` tests; every test gets its own runtime. */
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api-server/build.js';
import { createRuntimeForConfig } from '../../src/api-server/runtime-for-config.js';
import type { ApiRuntime } from '../../src/api-server/runtime-types.js';
import { loadApiServerConfig } from '../../src/config/api-server.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import type { FailureInput, RepoSize } from '../../src/pipeline/failure.js';
import type { Sleep } from '../../src/pipeline/retry.js';
import { failureStream } from '../../src/simulation/synth/templates.js';

export interface TestApi {
  app: FastifyInstance;
  runtime: ApiRuntime;
  close(): Promise<void>;
}

export const noSleep: Sleep = () => Promise.resolve();

/** A mock-mode app with zero latency and terraform off unless `env` says otherwise. */
export async function startTestApi(
  env: Record<string, string> = {},
  options: { sleep?: Sleep; redisKeyPrefix?: string; logger?: Logger } = {},
): Promise<TestApi> {
  const config = loadApiServerConfig({
    TERRAFIX_MOCK_MODE: 'true',
    TERRAFIX_MOCK_LATENCY_MS: '0',
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    TERRAFIX_PARSE_WORKERS: '1',
    LOG_LEVEL: 'silent',
    PATH: process.env.PATH,
    ...env,
  });
  const runtime = await createRuntimeForConfig(config, { logger: createLogger('silent'), ...options });
  const app = await buildApiServer(runtime);
  return {
    app,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

/** `count` valid, unique failures for `size`, reproducible from `seed`. */
export function failures(count: number, seed = 7, size: RepoSize = 'small'): FailureInput[] {
  const out: FailureInput[] = [];
  for (const f of failureStream(seed, size)) {
    out.push(f);
    if (out.length === count) break;
  }
  return out;
}

export function post(
  app: FastifyInstance,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers });
}
