/** A virtual user: runs one iteration (one POST) at a time and reports its latency from a given start time. */
import type { ErrorKind } from '../results/run-result.js';
import type { Exchange, ExchangeOwner, LoopbackClient } from './http-client.js';
import type { Recorder } from './recorder.js';

/** What iteration n sends: the engine feeds iterationRequest here, the max-rate probe a fixed small body. */
export interface IterationBody {
  path: string;
  /** A Buffer is sent as is; a string is encoded per request. */
  body: string | Buffer;
  /** Failure records in the body (RunResult.items). */
  items: number;
  /** `X-TerraFix-Signature` value, when requests are signed. */
  signature?: string | undefined;
}
export type IterationSource = (n: number) => IterationBody;

/** Hands out global, sequential iteration numbers and enforces maxRequests. */
export class IterationCounter {
  started = 0;
  stopping = false;
  private capReported = false;

  constructor(
    private readonly maxRequests: number,
    private readonly onCapReached: () => void,
  ) {}

  /** Whether another iteration may start (not stopping, cap not reached); reports the cap once. */
  canStart(): boolean {
    if (this.stopping) return false;
    if (this.started < this.maxRequests) return true;
    if (!this.capReported) {
      this.capReported = true;
      this.onCapReached();
    }
    return false;
  }
}

/** The parts of a run every VU uses. */
export interface RunParts {
  client: LoopbackClient;
  recorder: Recorder;
  source: IterationSource;
  counter: IterationCounter;
}

export class Vu implements ExchangeOwner {
  busy = false;
  /** Start of the current iteration (performance.now() ms): scheduled start (open) or actual (closed). */
  startMs = 0;
  /** Closed model: leave the loop after the current iteration (ramp-down). */
  retiring = false;
  /** Closed model: planned start of the current iteration (pacing cadence), performance.now() ms. */
  cadenceMs = 0;
  /** Closed model: the pending pacing wait, if any. */
  pacingTimer: NodeJS.Timeout | undefined;
  private items = 0;
  private exchange: Exchange;

  constructor(
    private readonly parts: RunParts,
    private readonly onFree: (vu: Vu, now: number) => void,
  ) {
    this.exchange = parts.client.exchange(this);
  }

  /** Starts the next iteration (the caller checked counter.canStart()); latency counts from `startMs`. */
  start(startMs: number, now: number): void {
    const { counter, source, client } = this.parts;
    const request = source(counter.started++);
    this.items = request.items;
    this.startMs = startMs;
    this.busy = true;
    client.post(this.exchange, request.path, request.body, now, request.signature);
  }

  exchangeDone(exchange: Exchange, status: number, kind: ErrorKind | null, now: number): void {
    if (exchange.abandoned) this.exchange = this.parts.client.exchange(this);
    this.busy = false;
    this.parts.recorder.record(now, now - this.startMs, status, kind, this.items);
    this.onFree(this, now);
  }
}
