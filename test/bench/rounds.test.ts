import { describe, expect, it } from 'vitest';
import { duplicates, orderFor, perSecond, roundRatios, spread } from '../../bench/rounds.js';

describe('round summaries', () => {
  it('spread: median, min and max of the rounds, NaN for none', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, values: [3, 1, 2] });
    expect(spread([4, 1]).median).toBe(2.5);
    const none = spread([]);
    expect(Number.isNaN(none.median) && Number.isNaN(none.min) && Number.isNaN(none.max)).toBe(true);
  });

  it('ratios are taken within each round, and rounds that do not pair up are refused', () => {
    expect(roundRatios([10, 30], [5, 10])).toEqual([2, 3]);
    expect(() => roundRatios([1, 2], [1])).toThrow(/rounds do not pair up: 2 vs 1/);
  });

  it('perSecond: count over milliseconds, NaN for an empty interval', () => {
    expect(perSecond(30, 1_500)).toBe(20);
    expect(perSecond(30, 0)).toBeNaN();
  });

  it('the order of contenders alternates by round', () => {
    expect(orderFor(0, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(orderFor(1, ['a', 'b', 'c'])).toEqual(['c', 'b', 'a']);
    expect(orderFor(2, ['a', 'b'])).toEqual(['a', 'b']);
  });

  it('duplicates lists each key seen more than once, with its count', () => {
    expect(duplicates(['x', 'y', 'x', 'z', 'x', 'y'])).toEqual(
      new Map([
        ['x', 3],
        ['y', 2],
      ]),
    );
    expect(duplicates(['a', 'b']).size).toBe(0);
  });
});
