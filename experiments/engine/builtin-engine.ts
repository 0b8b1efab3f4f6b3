/**
 * The built-in load engine, for machines without k6: runs a profile's load shape in process with k6's executor
 * semantics (see schedule.ts, open-model.ts, closed-model.ts) and sends each iteration's request from the
 * shared payload generator, so both engines send the same bodies for the same seed.
 */
import { requestGenerator } from '../payloads.js';
import type { RunResult } from '../results/run-result.js';
import type { EngineRunOptions, EngineRunSpec, LoadEngine } from './port.js';
import { runLoad } from './run-load.js';
import { signBody } from './sign-body.js';

export class BuiltinEngine implements LoadEngine {
  readonly name = 'builtin' as const;

  /** Runs the spec against its target; rejects (TFX_CONFIG) only for a non-loopback baseUrl without allowRemote. */
  run(spec: EngineRunSpec, options: EngineRunOptions = {}): Promise<RunResult> {
    const { payload, seed, webhookSecret, ...plan } = spec;
    const failedAt = new Date().toISOString();
    const nextRequest = requestGenerator(payload, seed, failedAt);
    const source = (n: number) => {
      const request = nextRequest(n);
      if (webhookSecret === undefined || webhookSecret === '') return request;
      return { ...request, signature: signBody(webhookSecret, request.body) };
    };
    try {
      return runLoad({ ...plan, source }, options);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
