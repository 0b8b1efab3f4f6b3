/**
 * Closed model (constant/ramping-vus): each active VU loops request → response, waiting out `pacing` (minimum
 * iteration duration) when the answer came sooner. Ramping changes the active count linearly; a VU that leaves
 * finishes its current iteration first (like k6's gracefulRampDown). Latency counts from the actual start.
 */
import { type VuShape, vusAt } from './schedule.js';
import { type RunParts, Vu } from './vu.js';

/** How often a ramping shape re-reads its target VU count. */
const RAMP_TICK_MS = 50;

export class ClosedModel {
  private readonly vus: Vu[] = [];
  private active = 0;
  private busy = 0;
  private stopped = false;
  private readonly pacingMs: number;
  private ramp: NodeJS.Timeout | undefined;
  private onIdle: (() => void) | undefined;
  private readonly onFree = (vu: Vu, now: number): void => {
    this.busy--;
    if (this.stopped) {
      if (this.busy === 0) this.onIdle?.();
      return;
    }
    if (vu.retiring) return;
    // The next start is planned from the previous plan, not from when the timer actually fired, so late timers
    // do not add up over a run; a VU that fell behind (slow answer) restarts its cadence now.
    const next = vu.cadenceMs + this.pacingMs;
    // A round planned at or after the end never starts; checking the plan, not the clock, because a timer may
    // fire a fraction of a millisecond before its time by performance.now().
    if (next - this.t0 >= this.plannedMs) return;
    if (next > now) {
      vu.cadenceMs = next;
      vu.pacingTimer = setTimeout(this.wakeOf(vu), next - now);
    } else {
      vu.cadenceMs = now;
      this.iterate(vu, now);
    }
  };
  private readonly wakers = new Map<Vu, () => void>();

  constructor(
    private readonly parts: RunParts,
    private readonly load: VuShape,
    private readonly t0: number,
    /** The planned end (ms after t0): no iteration starts at or after it, as in k6 (a pacing timer may fire then). */
    private readonly plannedMs = Infinity,
  ) {
    this.pacingMs = load.pacing * 1000;
  }

  start(): void {
    this.adjust();
    if (this.load.executor === 'ramping-vus') this.ramp = setInterval(() => this.adjust(), RAMP_TICK_MS);
  }

  /** VUs in the loop (running an iteration or pacing). */
  activeVUs(): number {
    return this.active;
  }

  /** Nothing to catch up on: closed-model iterations start when the previous one ends. */
  pump(_until?: number): void {}

  /** Starts no more iterations; `onIdle` runs once nothing is in flight. */
  stop(onIdle: () => void): void {
    this.stopped = true;
    clearInterval(this.ramp);
    for (const vu of this.vus) {
      clearTimeout(vu.pacingTimer);
      vu.pacingTimer = undefined;
    }
    this.onIdle = onIdle;
    if (this.busy === 0) onIdle();
  }

  /** Brings the active VU count to the shape's target now: VUs 0..target-1 are the active ones. */
  private adjust(): void {
    if (this.stopped) return;
    const target = vusAt(this.load, (performance.now() - this.t0) / 1000);
    while (this.active < target) {
      const vu = this.vus[this.active] ?? this.newVu();
      this.active++;
      vu.retiring = false;
      if (!vu.busy && vu.pacingTimer === undefined) {
        vu.cadenceMs = performance.now();
        this.iterate(vu, vu.cadenceMs);
      }
    }
    while (this.active > target) {
      this.active--;
      const vu = this.vus[this.active]!;
      vu.retiring = true;
      clearTimeout(vu.pacingTimer);
      vu.pacingTimer = undefined;
    }
  }

  private iterate(vu: Vu, now = performance.now()): void {
    vu.pacingTimer = undefined;
    if (this.stopped || vu.retiring || now - this.t0 >= this.plannedMs) return;
    if (!this.parts.counter.canStart()) return;
    this.busy++;
    vu.start(now, now);
  }

  private newVu(): Vu {
    const vu = new Vu(this.parts, this.onFree);
    this.vus.push(vu);
    return vu;
  }

  // One bound wake-up per VU, made once, so pacing allocates no closure per iteration.
  private wakeOf(vu: Vu): () => void {
    let wake = this.wakers.get(vu);
    if (wake === undefined) {
      wake = () => this.iterate(vu);
      this.wakers.set(vu, wake);
    }
    return wake;
  }
}
