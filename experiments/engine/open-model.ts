/**
 * Open model (constant/ramping-arrival-rate): iterations start on schedule whatever the target does. Each due
 * iteration takes a free VU (allocating up to maxVUs); with none left it is dropped. Latency counts from the due
 * time, so waiting in the target or in this process is not hidden (no coordinated omission).
 */
import { type ArrivalSchedule, type ArrivalShape, arrivalSchedule } from './schedule.js';
import { type RunParts, Vu } from './vu.js';

/** Below this many ms to the next due time, poll with setImmediate: setTimeout wakes up to ~1 ms late. */
const SPIN_MS = 1.5;

export class OpenModel {
  readonly schedule: ArrivalSchedule;
  private readonly idle: Vu[] = [];
  private allocated = 0;
  private busy = 0;
  private nextDue: number;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private onIdle: (() => void) | undefined;
  private readonly onFree = (vu: Vu): void => {
    this.busy--;
    this.idle.push(vu);
    if (this.busy === 0 && this.stopped) this.onIdle?.();
  };
  private readonly wake = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
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
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.onIdle = onIdle;
    if (this.busy === 0) onIdle();
  }

  private arm(): void {
    if (this.stopped || this.nextDue === Infinity) return;
    const wait = this.t0 + this.nextDue - performance.now();
    if (wait > SPIN_MS) this.timer = setTimeout(this.wake, Math.floor(wait - 1));
    else this.immediate = setImmediate(this.wake);
  }

  private newVu(): Vu {
    this.allocated++;
    return new Vu(this.parts, this.onFree);
  }
}
