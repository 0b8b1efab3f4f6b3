import { describe, expect, it } from 'vitest';
import {
  type LatencySpec,
  MAX_LATENCY_MS,
  latencySpecSchema,
  sampleLatency,
} from '../../src/faults/latency.js';
import { rngFor } from '../../src/faults/rng.js';

const N = 20_000;

function samples(input: unknown, seed = 1): number[] {
  const spec: LatencySpec = latencySpecSchema.parse(input);
  const rand = rngFor(seed, 'latency-test', 'x', 1);
  return Array.from({ length: N }, () => sampleLatency(spec, rand));
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const stdDev = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const quantile = (xs: number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
};
const within = (actual: number, expected: number, relative: number): void => {
  expect(Math.abs(actual - expected) / expected).toBeLessThan(relative);
};

describe('sampleLatency', () => {
  it('fixed is exact', () => {
    expect(new Set(samples({ kind: 'fixed', ms: 42 }))).toEqual(new Set([42]));
  });

  it('uniform stays within bounds with the right mean', () => {
    const xs = samples({ kind: 'uniform', minMs: 100, maxMs: 300 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...xs)).toBeLessThan(300);
    within(mean(xs), 200, 0.01);
  });

  it('normal matches mean and standard deviation within 3%', () => {
    const xs = samples({ kind: 'normal', meanMs: 200, stdDevMs: 30 });
    within(mean(xs), 200, 0.03);
    within(stdDev(xs), 30, 0.03);
  });

  it('normal is truncated at 0', () => {
    const xs = samples({ kind: 'normal', meanMs: 5, stdDevMs: 50 });
    expect(Math.min(...xs)).toBe(0);
    expect(xs.filter((x) => x === 0).length).toBeGreaterThan(N * 0.4);
  });

  it('lognormal matches median and p99 within 5%', () => {
    const xs = samples({ kind: 'lognormal', medianMs: 200, p99Ms: 1500 });
    within(quantile(xs, 0.5), 200, 0.05);
    within(quantile(xs, 0.99), 1500, 0.05);
  });

  it('pareto has median scale * 2^(1/shape) and never goes below scale', () => {
    const xs = samples({ kind: 'pareto', scaleMs: 50, shape: 1.5 });
    within(quantile(xs, 0.5), 50 * 2 ** (1 / 1.5), 0.05);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(50);
  });

  it('respects capMs and the global ceiling', () => {
    const capped = samples({ kind: 'pareto', scaleMs: 50, shape: 0.5, capMs: 400 });
    expect(Math.max(...capped)).toBe(400);
    const heavy = samples({ kind: 'pareto', scaleMs: 1000, shape: 0.1 });
    expect(Math.max(...heavy)).toBe(MAX_LATENCY_MS);
  });
});

describe('latencySpecSchema', () => {
  const pathOf = (input: unknown): string => {
    const result = latencySpecSchema.safeParse(input);
    expect(result.success).toBe(false);
    return result.error!.issues.map((i) => i.path.join('.')).join(',');
  };

  it('rejects bad values naming the field', () => {
    expect(pathOf({ kind: 'fixed', ms: -1 })).toBe('ms');
    expect(pathOf({ kind: 'fixed', ms: 600_001 })).toBe('ms');
    expect(pathOf({ kind: 'uniform', minMs: 300, maxMs: 100 })).toBe('maxMs');
    expect(pathOf({ kind: 'lognormal', medianMs: 200, p99Ms: 100 })).toBe('p99Ms');
    expect(pathOf({ kind: 'pareto', scaleMs: 0, shape: 1 })).toBe('scaleMs');
    expect(pathOf({ kind: 'pareto', scaleMs: 10, shape: 0 })).toBe('shape');
    expect(pathOf({ kind: 'normal', meanMs: 10, stdDevMs: 1, capMs: -5 })).toBe('capMs');
    expect(pathOf({ kind: 'gamma', ms: 1 })).toBe('kind');
  });

  it('accepts valid specs', () => {
    expect(latencySpecSchema.parse({ kind: 'lognormal', medianMs: 100, p99Ms: 100 })).toEqual({
      kind: 'lognormal',
      medianMs: 100,
      p99Ms: 100,
    });
  });
});
