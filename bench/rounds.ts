/**
 * Summaries of interleaved rounds: each round measures two contenders side by side, so a ratio is taken within a
 * round (both saw the same moment of a shared machine) and the rounds' ratios are summarised, never the ratio of
 * two medians taken at different times.
 */
import { median } from './parse-timing.js';

/** Median, minimum and maximum of a set of measurements, with the values themselves. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}

/** The spread of `values` (NaN everywhere for none). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, values: [] };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values: [...values] };
}

/** `a[i] / b[i]` for every round both measured; throws when the rounds do not pair up. */
export function roundRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`rounds do not pair up: ${a.length} vs ${b.length}`);
  return a.map((value, i) => value / (b[i] ?? Number.NaN));
}

/** Per-second rate of `count` events over `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.NaN;
}

/** Which contender goes first in round `round` (0-based): they alternate, so neither always runs on a warmer machine. */
export function orderFor<T>(round: number, contenders: readonly T[]): T[] {
  return round % 2 === 0 ? [...contenders] : [...contenders].reverse();
}

/**
 * The duplicates among PR head branches (each failure has exactly one branch): every branch seen more than once,
 * with its count.
 */
export function duplicates(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return new Map([...counts].filter(([, n]) => n > 1));
}
