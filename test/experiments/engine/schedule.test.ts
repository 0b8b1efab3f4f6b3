import { describe, expect, it } from 'vitest';
import { arrivalSchedule, maxVUsOf, vusAt } from '../../../experiments/engine/schedule.js';

function dueTimes(schedule: { next(): number }): number[] {
  const out: number[] = [];
  for (let t = schedule.next(); t !== Infinity; t = schedule.next()) out.push(t);
  return out;
}

function perSecond(times: number[], seconds: number): number[] {
  const counts = new Array<number>(seconds).fill(0);
  for (const t of times) counts[Math.floor(t / 1000)]!++;
  return counts;
}

describe('arrivalSchedule', () => {
  it('spreads constant-arrival-rate starts evenly from 0, rate × duration of them', () => {
    const s = arrivalSchedule({
      executor: 'constant-arrival-rate',
      rate: 10,
      duration: 2,
      preAllocatedVUs: 1,
      maxVUs: 1,
    });
    const times = dueTimes(s);
    expect(s.total).toBe(20);
    expect(times).toHaveLength(20);
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(100, 9);
    expect(times[19]).toBeCloseTo(1900, 9);
  });

  it('computes due times from the start, so the 100 000th of a fractional rate has not drifted', () => {
    const s = arrivalSchedule({
      executor: 'constant-arrival-rate',
      rate: 3,
      duration: 40_000,
      preAllocatedVUs: 1,
      maxVUs: 1,
    });
    let last = 0;
    for (let i = 0; i < 100_000; i++) last = s.next();
    expect(last).toBeCloseTo((99_999 * 1000) / 3, 6);
  });

  it('follows a ramping-arrival-rate ramp as the area under the rate line (k6 cal)', () => {
    const s = arrivalSchedule({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      stages: [
        { target: 100, duration: 2 },
        { target: 100, duration: 1 },
        { target: 0, duration: 1 },
      ],
      preAllocatedVUs: 1,
      maxVUs: 1,
    });
    const times = dueTimes(s);
    // Rate 50 t over [0,2]: 25 then 75; flat 100; down from 100 to 0: 50.
    expect(s.total).toBe(250);
    expect(times).toHaveLength(250);
    const counts = perSecond(times, 4);
    expect(Math.abs(counts[0]! - 25)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts[1]! - 75)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts[2]! - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts[3]! - 50)).toBeLessThanOrEqual(1);
    // The i-th (1-based) start is where the area reaches i: area(t) = 25 t² in the first stage.
    expect(times[0]).toBeCloseTo(Math.sqrt(1 / 25) * 1000, 6);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
  });

  it('starts from startRate on a flat first stage and carries fractional iterations over stage ends', () => {
    const s = arrivalSchedule({
      executor: 'ramping-arrival-rate',
      startRate: 4,
      stages: [
        { target: 4, duration: 1.1 },
        { target: 4, duration: 0.9 },
      ],
      preAllocatedVUs: 1,
      maxVUs: 1,
    });
    const times = dueTimes(s);
    expect(times).toHaveLength(8);
    times.forEach((t, i) => expect(t).toBeCloseTo(((i + 1) / 4) * 1000, 6));
  });
});

describe('vusAt', () => {
  const ramp = {
    executor: 'ramping-vus' as const,
    startVUs: 0,
    pacing: 0,
    stages: [
      { target: 10, duration: 10 },
      { target: 0, duration: 10 },
    ],
  };

  it('adds a VU when the line reaches its integer on the way up and removes it when it drops below on the way down', () => {
    expect(vusAt(ramp, 0)).toBe(0);
    expect(vusAt(ramp, 0.99)).toBe(0);
    expect(vusAt(ramp, 1)).toBe(1);
    expect(vusAt(ramp, 9.5)).toBe(9);
    expect(vusAt(ramp, 10)).toBe(10);
    expect(vusAt(ramp, 10.5)).toBe(10);
    expect(vusAt(ramp, 11)).toBe(9);
    expect(vusAt(ramp, 19.99)).toBe(1);
    expect(vusAt(ramp, 25)).toBe(0);
  });

  it('is constant for constant-vus', () => {
    expect(vusAt({ executor: 'constant-vus', vus: 3, duration: 5, pacing: 0 }, 4)).toBe(3);
  });
});

describe('maxVUsOf', () => {
  it('is the connection budget of each executor', () => {
    expect(
      maxVUsOf({ executor: 'constant-arrival-rate', rate: 1, duration: 1, preAllocatedVUs: 2, maxVUs: 9 }),
    ).toBe(9);
    expect(maxVUsOf({ executor: 'constant-vus', vus: 4, duration: 1, pacing: 0 })).toBe(4);
    expect(
      maxVUsOf({
        executor: 'ramping-vus',
        startVUs: 2,
        pacing: 0,
        stages: [
          { target: 7, duration: 1 },
          { target: 3, duration: 1 },
        ],
      }),
    ).toBe(7);
  });
});
