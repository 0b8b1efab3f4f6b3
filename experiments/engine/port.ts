/**
 * A load engine runs one load shape against one target and reports a RunResult. Two implementations:
 * the built-in engine (undici, in process) and k6 (external binary). Left out on purpose: configuring the
 * target, scraping its metrics, thresholds (the runner does those, the same way for both engines).
 */
import type { PayloadMixInput } from '../payloads.js';
import type { LoadShape } from '../profiles/schema.js';
import type { RunResult, TimelinePoint } from '../results/run-result.js';

export interface EngineRunSpec {
  /** Loopback base URL of the target, e.g. http://127.0.0.1:8081. */
  baseUrl: string;
  load: LoadShape;
  payload: PayloadMixInput;
  seed: number;
  /** Per-request timeout in ms (a timed-out request counts as error kind `timeout`). */
  requestTimeoutMs: number;
  /** Hard cap on requests sent, whatever the shape says (load tests are bounded). */
  maxRequests: number;
  /** Conditions that end the run early; evaluated on the per-second timeline. */
  stopWhen?:
    | {
        p99Ms?: number | undefined;
        errorRate?: number | undefined;
        droppedRate?: number | undefined;
        sustainSeconds: number;
      }
    | undefined;
}

export interface EngineRunOptions {
  /** Aborts the run (Ctrl-C, runner shutdown); the result is still returned, with `aborted` set. */
  signal?: AbortSignal;
  /** Called once per completed second with that second's point (progress lines, live scraping alignment). */
  onSecond?: (point: TimelinePoint) => void;
}

export interface LoadEngine {
  readonly name: 'builtin' | 'k6';
  run(spec: EngineRunSpec, options?: EngineRunOptions): Promise<RunResult>;
}
