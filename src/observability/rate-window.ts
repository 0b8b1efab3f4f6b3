/** Events per second over a sliding window of whole seconds (the current, partial second excluded). */
export class RateWindow {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;

  constructor(
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Float64Array(windowSeconds + 1);
    this.stamps = new Float64Array(windowSeconds + 1).fill(-1);
  }

  add(n = 1): void {
    const second = Math.floor(this.now() / 1000);
    const i = second % this.buckets.length;
    if (this.stamps[i] !== second) {
      this.stamps[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + n;
  }

  /** Mean rate over the last `windowSeconds` complete seconds, or over the elapsed time when shorter. */
  perSecond(sinceMs?: number): number {
    const nowMs = this.now();
    const current = Math.floor(nowMs / 1000);
    let total = 0;
    for (let s = current - this.windowSeconds; s < current; s++) {
      const i = ((s % this.buckets.length) + this.buckets.length) % this.buckets.length;
      if (this.stamps[i] === s) total += this.buckets[i] ?? 0;
    }
    const elapsed =
      sinceMs === undefined
        ? this.windowSeconds
        : Math.min(this.windowSeconds, Math.floor((nowMs - sinceMs) / 1000));
    return elapsed <= 0 ? 0 : total / elapsed;
  }

  reset(): void {
    this.stamps.fill(-1);
  }
}
