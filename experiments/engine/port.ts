/**
 * A load engine runs one load shape against one target and reports a RunResult. Two implementations:
 * the built-in engine (undici, in process) and k6 (external binary). Left out on purpose: configuring the
 * target, scraping its metrics, thresholds (the runner does those, the same way for both engines).
 */
import type { PayloadMixInput } from '../payloads.js';
import type { LoadShape, Threshold } from '../profiles/schema.js';
import type { RunResult, TimelinePoint } from '../results/run-result.js';

export interface EngineRunSpec {
  /** Base URL of the target, e.g. http://127.0.0.1:8081; loopback unless `allowRemote`. */
  baseUrl: string;
  /** The user opted in to a non-loopback target (`--allow-remote`). */
  allowRemote?: boolean | undefined;
  /**
   * Signs every load request with this secret (HMAC-SHA256 of the raw body, `X-TerraFix-Signature:
   * sha256=<hex>`), for a real-mode API server. Never written to a file or an argument list.
   */
  webhookSecret?: string | undefined;
  /** The profile's thresholds: k6 judges them too (exit 99); the runner judges them for both engines. */
  thresholds?: readonly Threshold[] | undefined;
  /** Expected request latency (ms) at the planned load, to size k6's pre-allocated VUs. */
  expectedLatencyMs?: number | undefined;
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
  /**
   * Called once when the load really starts (epoch ms): after k6's init and setup(), at the built-in engine's
   * t0. Timeline second 0 starts there; the runner aligns fault phases and scrapes to it.
   */
  onLoadStart?: (epochMs: number) => void;
  /** Warnings of the load generator (k6's stderr `level=warning` lines). */
  onWarning?: (line: string) => void;
  /** Folder for the engine's own files of this run (k6: k6.log, spec.json, summary.json). */
  artifactsDir?: string;
}

export interface LoadEngine {
  readonly name: 'builtin' | 'k6';
  run(spec: EngineRunSpec, options?: EngineRunOptions): Promise<RunResult>;
}
