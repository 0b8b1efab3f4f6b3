/** Shared pieces of the engine tests: a spec builder and a run that validates its result against the schema. */
import { expect } from 'vitest';
import { BuiltinEngine } from '../../../experiments/engine/builtin-engine.js';
import type { EngineRunOptions, EngineRunSpec } from '../../../experiments/engine/port.js';
import type { PayloadMixInput } from '../../../experiments/payloads.js';
import type { LoadShape } from '../../../experiments/profiles/schema.js';
import { type RunResult, runResultSchema } from '../../../experiments/results/run-result.js';

export const WEBHOOK_MIX: PayloadMixInput = {
  endpoint: 'webhook',
  mode: 'sync',
  duplicateRatio: 0,
  batchRatio: 0,
  repoSize: 'small',
};

/** A spec against `baseUrl` with generous limits unless overridden. */
export function spec(baseUrl: string, load: LoadShape, extra: Partial<EngineRunSpec> = {}): EngineRunSpec {
  return {
    baseUrl,
    load,
    payload: WEBHOOK_MIX,
    seed: 7,
    requestTimeoutMs: 5_000,
    maxRequests: 1_000_000,
    ...extra,
  };
}

/** Runs the built-in engine and checks the result is a valid RunResult whose parts add up. */
export async function run(runSpec: EngineRunSpec, options: EngineRunOptions = {}): Promise<RunResult> {
  const result = await new BuiltinEngine().run(runSpec, options);
  const parsed = runResultSchema.parse(result);
  const sum = (f: (p: RunResult['timeline'][number]) => number) =>
    parsed.timeline.reduce((a, p) => a + f(p), 0);
  expect(sum((p) => p.requests)).toBe(parsed.requests);
  expect(sum((p) => p.dropped)).toBe(parsed.droppedIterations);
  expect(sum((p) => p.errors)).toBe(Object.values(parsed.errors).reduce((a, b) => a + b, 0));
  expect(Object.values(parsed.statusCounts).reduce((a, b) => a + b, 0)).toBe(parsed.requests);
  parsed.timeline.forEach((p, i) => expect(p.t).toBe(i));
  return parsed;
}
