/** A mock-mode API server on a free loopback port and runner options aimed at it, for runner tests. */
import { join } from 'node:path';
import { startApiServer, type RunningServer } from '../../src/api-server/server.js';
import { loadApiServerConfig } from '../../src/config/api-server.js';
import { BuiltinEngine } from '../../experiments/engine/builtin-engine.js';
import type { ProgressSink } from '../../experiments/runner/progress.js';
import type { RunnerOptions } from '../../experiments/runner/run-experiments.js';

/** Progress lines collected for assertions. */
export function collectingProgress(lines: string[]): ProgressSink {
  return {
    runStarted: (name) => lines.push(`start ${name}`),
    second: () => undefined,
    runEnded: (line) => lines.push(line),
    log: (line) => lines.push(line),
  };
}

export function startRunnerTarget(): Promise<RunningServer> {
  return startApiServer(
    loadApiServerConfig({
      TERRAFIX_MOCK_MODE: 'true',
      TERRAFIX_API_PORT: '0',
      TERRAFIX_TERRAFORM_VALIDATE: 'off',
      LOG_LEVEL: 'silent',
    }),
  );
}

/** The smoke experiment at a fifth of its length against `server`, writing under `dir`. */
export function runnerOptions(
  server: RunningServer,
  dir: string,
  progress: ProgressSink,
  overrides: Partial<RunnerOptions> = {},
): RunnerOptions {
  return {
    experiments: ['smoke'],
    host: server.url,
    local: false,
    engine: new BuiltinEngine(),
    engineVersion: 'builtin',
    output: join(dir, 'out'),
    seed: 3,
    durationScale: 0.2,
    toolVersion: 'test',
    progress,
    env: {},
    readyTimeoutMs: 1_500,
    ...overrides,
  };
}
