import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../src/observability/rate-window.js';

/** A RateWindow on a hand-moved clock starting at `startMs`. */
function windowAt(startMs: number, seconds = 10) {
  const clock = { ms: startMs };
  return { clock, rate: new RateWindow(seconds, () => clock.ms) };
}

describe('RateWindow', () => {
  it('ignores the current, partial second', () => {
    const { rate } = windowAt(5_000);
    rate.add(7);
    expect(rate.perSecond()).toBe(0);
  });

  it('averages complete seconds over the window', () => {
    const { clock, rate } = windowAt(100_000);
    for (let s = 0; s < 10; s++) {
      clock.ms = 100_000 + s * 1000 + 500;
      rate.add(s % 2 === 0 ? 10 : 30); // alternating 10 and 30 per second
    }
    clock.ms = 110_000;
    expect(rate.perSecond()).toBe(20);
  });

  it('averages over the elapsed time when the window has not filled yet', () => {
    const { clock, rate } = windowAt(50_000);
    rate.add(4);
    clock.ms = 51_200;
    rate.add(6);
    clock.ms = 52_000;
    expect(rate.perSecond(50_000)).toBe(5); // 10 events over 2 whole seconds
    expect(rate.perSecond()).toBe(1); // the same events over the full 10 s window
    expect(rate.perSecond(51_999)).toBe(0); // less than a second elapsed
  });

  it('forgets seconds that slid out of the window, even when their slot is reused', () => {
    const { clock, rate } = windowAt(0, 3);
    rate.add(100);
    clock.ms = 2_000;
    expect(rate.perSecond()).toBeCloseTo(100 / 3);
    clock.ms = 4_000; // second 0 is now outside [1, 4)
    expect(rate.perSecond()).toBe(0);
    clock.ms = 4_500;
    rate.add(9); // second 4 shares slot 0 with second 0; the old count must not leak in
    clock.ms = 5_000;
    expect(rate.perSecond()).toBe(3);
  });

  it('starts over after reset', () => {
    const { clock, rate } = windowAt(0);
    rate.add(50);
    clock.ms = 1_000;
    rate.reset();
    expect(rate.perSecond()).toBe(0);
  });
});
