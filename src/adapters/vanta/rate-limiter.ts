/**
 * Client-side rate limit: at most `limit` request starts in any rolling window (Vanta documents a per-application
 * limit per minute, 50 for the management API; protocols.md §1.6). Callers are served first come, first served. A
 * sliding window never exceeds the server's limit however its window is aligned, and lets a small poll run at
 * once instead of spacing every request. A 429 pauses everyone: the server's window is full for all callers.
 */
import type { Sleep } from '../../pipeline/retry.js';

/** Milliseconds since the epoch; injectable so tests run on virtual time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class SlidingWindowLimiter {
  /** Start times of the most recent requests, oldest first; never longer than `limit`. */
  readonly #starts: number[] = [];
  #tail: Promise<void> = Promise.resolve();
  #pausedUntil = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {}

  /** Resolves when the caller may start one request; rejects if the signal aborts first (no slot is used). */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#take(signal));
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  /** Holds every request back until `untilMs` (a 429 said the window is full). */
  pauseUntil(untilMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, untilMs);
  }

  async #take(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const oldest = this.#starts.length < this.limit ? -Infinity : (this.#starts[0] ?? -Infinity);
      const at = Math.max(this.#pausedUntil, oldest + this.windowMs);
      if (at <= now) {
        this.#starts.push(now);
        if (this.#starts.length > this.limit) this.#starts.shift();
        return;
      }
      await this.sleep(at - now, signal);
    }
  }
}
