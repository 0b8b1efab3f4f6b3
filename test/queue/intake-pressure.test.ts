import { describe, expect, it } from 'vitest';
import { IntakePressure, type LoopTime } from '../../src/queue/intake-pressure.js';

/** A loop whose busy share and clock the test sets; each step() is one window later. */
function loop() {
  const time: LoopTime = { idle: 0, active: 0 };
  let now = 0;
  const pressure = new IntakePressure({ loopTime: () => ({ ...time }), now: () => now, windowMs: 25 });
  return {
    pressure,
    /** Advances one window with `utilization` of it busy and `submissions` intake submissions. */
    step(utilization: number, submissions: number): boolean {
      for (let i = 0; i < submissions; i++) pressure.noteSubmission();
      time.active += 25 * utilization;
      time.idle += 25 * (1 - utilization);
      now += 25;
      return pressure.evaluate();
    },
  };
}

describe('IntakePressure', () => {
  it('is pressed only when intake arrived and the loop was busy for the entry share of the window', () => {
    const l = loop();
    expect(l.step(0.95, 0)).toBe(false); // busy, but not with intake
    expect(l.step(0.5, 100)).toBe(false); // intake with room to spare
    expect(l.step(0.95, 100)).toBe(true);
  });

  it('stays pressed down to the exit share, then lets go', () => {
    const l = loop();
    expect(l.step(0.95, 10)).toBe(true);
    expect(l.step(0.8, 10)).toBe(true); // between exit (0.75) and entry (0.9)
    expect(l.step(0.7, 10)).toBe(false);
    expect(l.step(0.8, 10)).toBe(false); // below entry again: not pressed
  });

  it('lets go at once when intake stops', () => {
    const l = loop();
    expect(l.step(1, 10)).toBe(true);
    expect(l.step(1, 0)).toBe(false);
  });

  it('re-evaluates at most once per window', () => {
    const time: LoopTime = { idle: 0, active: 0 };
    let now = 0;
    const pressure = new IntakePressure({ loopTime: () => ({ ...time }), now: () => now, windowMs: 25 });
    pressure.noteSubmission();
    time.active += 10;
    now += 10;
    expect(pressure.evaluate()).toBe(false); // window not over: the initial state
    time.active += 15;
    now += 15;
    expect(pressure.evaluate()).toBe(true);
    expect(pressure.pressed).toBe(true);
  });
});
