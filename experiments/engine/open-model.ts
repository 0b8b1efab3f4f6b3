/**
 * Open model (constant/ramping-arrival-rate): iterations start on schedule whatever the target does. Each due
 * iteration takes a free VU (allocating up to maxVUs); with none left it is dropped. Latency counts from the due
 * time, so waiting in the target or in this process is not hidden (no coordinated omission).
 */
import { type ArrivalSchedule, type ArrivalShape, arrivalSchedule } from './schedule.js';
import { type RunParts, Vu } from './vu.js';

/**
 * Wake-ups use setTimeout only, although it fires up to ~1 ms late (libuv's millisecond clock): polling with
 * setImmediate for the last 1.5 ms before each due time was measured on the 2-core bench machine at 70-94 % of a
 * core at 1000-3000 iterations/s, which starved the target (p99 53-106 ms, drops); setTimeout alone costs 11-13 %
 * with p99 ≈ 4 ms and no drops. The lateness is not hidden: latency counts from the due time.
 */
export class OpenModel {
  readonly schedule: ArrivalSchedule;
  private readonly idle: Vu[] = [];
  private allocated = 0;
  private busy = 0;
  private nextDue: number;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private onIdle: (() => void) | undefined;
  private readonly onFree = (vu: Vu): void => {
    this.busy--;
    this.idle.push(vu);
    if (this.busy === 0 && this.stopped) this.onIdle?.();
  };
  private readonly wake = (): void => {
    this.timer = undefined;
    this.pump();
    this.arm();
  };

  constructor(
    private readonly parts: RunParts,
    private readonly load: ArrivalShape,
    private readonly t0: number,
  ) {
    this.schedule = arrivalSchedule(load);
    this.nextDue = this.schedule.next();
  }

  start(): void {
    for (let i = 0; i < this.load.preAllocatedVUs; i++) this.idle.push(this.newVu());
    this.wake();
  }

  /** VUs running an iteration right now. */
  activeVUs(): number {
    return this.busy;
  }

  /**
   * Starts every iteration due by now (or by `until`, ms since t0, if later: the planned end, whose timer may
   * fire a fraction of a millisecond early). Due times come from the start, so a late wake-up never shifts the plan.
   */
  pump(until = 0): void {
    if (this.stopped) return;
    const { counter, recorder } = this.parts;
    const clock = performance.now();
    const now = Math.max(clock - this.t0, until);
    while (this.nextDue <= now) {
      if (!counter.canStart()) return;
      const due = this.nextDue;
      recorder.scheduled(due);
      const vu = this.idle.pop() ?? (this.allocated < this.load.maxVUs ? this.newVu() : undefined);
      if (vu === undefined) recorder.dropped(due);
      else {
        this.busy++;
        vu.start(this.t0 + due, clock);
      }
      this.nextDue = this.schedule.next();
    }
  }

  /** Starts no more iterations; `onIdle` runs once nothing is in flight. */
  stop(onIdle: () => void): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.onIdle = onIdle;
    if (this.busy === 0) onIdle();
  }

  private arm(): void {
    if (this.stopped || this.nextDue === Infinity) return;
    // Never early: a timer that fires before the due time (millisecond rounding) just re-arms for the rest.
    this.timer = setTimeout(this.wake, Math.max(0, this.t0 + this.nextDue - performance.now()));
  }

  private newVu(): Vu {
    this.allocated++;
    return new Vu(this.parts, this.onFree);
  }
}
