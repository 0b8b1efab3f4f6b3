import { describe, expect, it } from 'vitest';
import { hash32, rngFor } from '../../src/faults/rng.js';

const take = (rand: () => number, n: number): number[] => Array.from({ length: n }, () => rand());

describe('rngFor', () => {
  it('gives the same stream for the same identity', () => {
    expect(take(rngFor(7, 'abc', 'clone_repo', 1), 16)).toEqual(take(rngFor(7, 'abc', 'clone_repo', 1), 16));
  });

  it('gives different streams when any part of the identity changes', () => {
    const base = rngFor(7, 'abc', 'clone_repo', 1)();
    expect(rngFor(8, 'abc', 'clone_repo', 1)()).not.toBe(base);
    expect(rngFor(7, 'abd', 'clone_repo', 1)()).not.toBe(base);
    expect(rngFor(7, 'abc', 'create_pr', 1)()).not.toBe(base);
    expect(rngFor(7, 'abc', 'clone_repo', 2)()).not.toBe(base);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const values = take(rngFor(1, 'k', 's', 1), 50_000);
    const buckets = new Array<number>(10).fill(0);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    for (const v of values) buckets[Math.floor(v * 10)]! += 1;
    for (const count of buckets) expect(Math.abs(count - 5_000)).toBeLessThan(300);
  });

  it('first draws across neighbouring keys are uniform (no correlation from similar strings)', () => {
    let below = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (rngFor(1, `key-${i}`, 'bedrock_inference', 1)() < 0.25) below += 1;
    expect(below / n).toBeGreaterThan(0.24);
    expect(below / n).toBeLessThan(0.26);
  });

  it('hash32 changes for one-character differences', () => {
    expect(hash32('a|b|1')).not.toBe(hash32('a|b|2'));
    expect(hash32('')).toBe(hash32(''));
  });
});
