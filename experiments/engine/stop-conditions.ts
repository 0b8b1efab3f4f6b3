/** stopWhen, evaluated on the per-second timeline: any one condition holding for `sustainSeconds` consecutive seconds. */
import type { EngineRunSpec } from './port.js';
import type { TimelinePoint } from '../results/run-result.js';

type StopWhen = NonNullable<EngineRunSpec['stopWhen']>;

interface Condition {
  name: string;
  limit: number;
  value: (p: TimelinePoint) => number | null;
  streak: number;
}

/** Feeds completed seconds in order; says why the run must stop, once a condition has held long enough. */
export class StopWatch {
  private readonly conditions: Condition[] = [];
  private readonly sustain: number;

  constructor(stopWhen: StopWhen | undefined) {
    this.sustain = stopWhen?.sustainSeconds ?? 1;
    if (stopWhen === undefined) return;
    // A second without the denominator (no completions, nothing scheduled) does not hold: nothing was observed.
    const add = (name: string, limit: number | undefined, value: Condition['value']): void => {
      if (limit !== undefined) this.conditions.push({ name, limit, value, streak: 0 });
    };
    add('p99Ms', stopWhen.p99Ms, (p) => (p.requests === 0 ? null : p.p99));
    add('errorRate', stopWhen.errorRate, (p) => (p.requests === 0 ? null : p.errors / p.requests));
    add('droppedRate', stopWhen.droppedRate, (p) => (p.scheduled === 0 ? null : p.dropped / p.scheduled));
  }

  /** The stop reason after this second, or null to go on. */
  observe(point: TimelinePoint): string | null {
    for (const c of this.conditions) {
      const v = c.value(point);
      c.streak = v !== null && v > c.limit ? c.streak + 1 : 0;
      if (c.streak >= this.sustain) {
        return `stopWhen ${c.name} > ${c.limit} for ${this.sustain} s (last second: ${Math.round(v! * 1000) / 1000})`;
      }
    }
    return null;
  }
}
