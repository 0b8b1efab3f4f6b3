/**
 * How long a refused caller should wait: roughly the time the current backlog needs to drain, from the mean
 * duration of recent jobs. Kept separate so the estimate can be swapped (`retryAfterMs` option) and tested alone.
 */

/** What a Retry-After estimate may look at, read when a submission is refused. */
export interface QueueLoad {
  depth: number;
  active: number;
  workers: number;
  limit: number;
  /** Mean duration of the most recent finished jobs, or undefined before the first one finished. */
  meanDurationMs: number | undefined;
}

export const MIN_RETRY_AFTER_MS = 1_000;
export const MAX_RETRY_AFTER_MS = 60_000;

/** mean duration × queued / workers, clamped to 1..60 s; 1 s with no history. */
export function estimateRetryAfterMs(load: QueueLoad): number {
  if (load.meanDurationMs === undefined) return MIN_RETRY_AFTER_MS;
  const estimate = (load.meanDurationMs * Math.max(load.depth, 1)) / Math.max(load.workers, 1);
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, Math.ceil(estimate)));
}

/** Running mean over the last `size` durations: O(1) per sample, fixed memory. */
export class RecentMean {
  readonly #window: Float64Array;
  #next = 0;
  #count = 0;
  #sum = 0;

  constructor(size = 64) {
    this.#window = new Float64Array(size);
  }

  add(value: number): void {
    if (this.#count === this.#window.length) this.#sum -= this.#window[this.#next] ?? 0;
    else this.#count += 1;
    this.#window[this.#next] = value;
    this.#sum += value;
    this.#next = (this.#next + 1) % this.#window.length;
  }

  /** The mean, or undefined before the first sample. */
  get mean(): number | undefined {
    return this.#count === 0 ? undefined : Math.max(0, this.#sum / this.#count); // float drift never goes negative
  }
}
