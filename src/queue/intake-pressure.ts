/**
 * Whether intake currently keeps the event loop saturated. Background jobs (async webhooks: nobody waits on
 * them) yield to intake while it does: the queue then starts them at a slow fixed rate, so they still progress,
 * and gives them every worker again as soon as the loop has spare time. Without this, a background job started
 * on every event-loop turn took a third of the loop from intake at full load.
 */
import { performance } from 'node:perf_hooks';

/** Cumulative event-loop time in ms, as performance.eventLoopUtilization() reports it. */
export interface LoopTime {
  idle: number;
  active: number;
}

export interface IntakePressureOptions {
  /** Cumulative loop time (default: performance.eventLoopUtilization()). */
  loopTime?: () => LoopTime;
  /** Monotonic clock in ms (default: performance.now). */
  now?: () => number;
  /** How often the state is re-evaluated, at most (default 25 ms). */
  windowMs?: number;
  /** Loop utilisation from which intake counts as saturating the loop (default 0.9)... */
  enterUtilization?: number;
  /** ...and below which it no longer does (default 0.75; the gap keeps the state from flapping). */
  exitUtilization?: number;
}

export class IntakePressure {
  readonly #loopTime: () => LoopTime;
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #enter: number;
  readonly #exit: number;
  #windowStart: number;
  #last: LoopTime;
  #submissions = 0;
  #pressed = false;

  constructor(options: IntakePressureOptions = {}) {
    this.#loopTime = options.loopTime ?? (() => performance.eventLoopUtilization());
    this.#now = options.now ?? (() => performance.now());
    this.#windowMs = options.windowMs ?? 25;
    this.#enter = options.enterUtilization ?? 0.9;
    this.#exit = options.exitUtilization ?? 0.75;
    this.#windowStart = this.#now();
    this.#last = this.#loopTime();
  }

  /** Counts one intake submission (foreground or background). */
  noteSubmission(): void {
    this.#submissions += 1;
  }

  /** The last evaluated state, without re-evaluating. */
  get pressed(): boolean {
    return this.#pressed;
  }

  /**
   * Re-evaluates once per window: under pressure when submissions arrived in the window and the loop was
   * busy for at least the entry share of it (the exit share once already under pressure).
   */
  evaluate(): boolean {
    const now = this.#now();
    if (now - this.#windowStart < this.#windowMs) return this.#pressed;
    const time = this.#loopTime();
    const active = time.active - this.#last.active;
    const idle = time.idle - this.#last.idle;
    const utilization = active + idle > 0 ? active / (active + idle) : 0;
    this.#pressed = this.#submissions > 0 && utilization >= (this.#pressed ? this.#exit : this.#enter);
    this.#last = time;
    this.#windowStart = now;
    this.#submissions = 0;
    return this.#pressed;
  }
}
