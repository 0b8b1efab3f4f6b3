import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/faults/injector.js';
import { FAULT_KINDS, type FaultConfigInput, type FaultKind } from '../../src/faults/profile.js';
import { EXTERNAL_STAGES } from '../../src/pipeline/stages.js';

const config: FaultConfigInput = {
  seed: 42,
  stages: {
    bedrock_inference: {
      latency: { kind: 'lognormal', medianMs: 800, p99Ms: 4000 },
      transient: 0.1,
      throttle: 0.05,
      timeout: 0.02,
      permanent: 0.03,
    },
    clone_repo: { latency: { kind: 'uniform', minMs: 10, maxMs: 50 } },
  },
};

const keys = Array.from({ length: 500 }, (_, i) => `failure-${i}`);

describe('FaultInjector.plan', () => {
  it('is identical for the same (seed, key, stage, attempt), also from a fresh injector', () => {
    const a = new FaultInjector(config);
    const b = new FaultInjector(config);
    for (const key of keys.slice(0, 50)) {
      expect(a.plan('bedrock_inference', key, 1)).toEqual(b.plan('bedrock_inference', key, 1));
      expect(a.plan('bedrock_inference', key, 1)).toEqual(a.plan('bedrock_inference', key, 1));
    }
  });

  it('differs across keys, attempts and seeds', () => {
    const injector = new FaultInjector(config);
    const delays = new Set(keys.map((k) => injector.plan('bedrock_inference', k, 1).delayMs));
    expect(delays.size).toBe(keys.length);
    expect(injector.plan('bedrock_inference', 'k', 1).delayMs).not.toBe(
      injector.plan('bedrock_inference', 'k', 2).delayMs,
    );
    const reseeded = new FaultInjector({ ...config, seed: 43 });
    expect(reseeded.plan('bedrock_inference', 'k', 1).delayMs).not.toBe(
      injector.plan('bedrock_inference', 'k', 1).delayMs,
    );
  });

  it('does not depend on call order or interleaving', async () => {
    const sequential = new FaultInjector(config);
    const expected = new Map(keys.map((k) => [k, sequential.plan('bedrock_inference', k, 1)]));
    const shuffled = [...keys].sort(() => Math.random() - 0.5);
    const concurrent = new FaultInjector(config);
    const results = await Promise.all(
      shuffled.map(async (k) => {
        await new Promise((resolve) => setImmediate(resolve));
        concurrent.plan('clone_repo', k, 1); // interleave unrelated plans
        return [k, concurrent.plan('bedrock_inference', k, 1)] as const;
      }),
    );
    for (const [k, plan] of results) expect(plan).toEqual(expected.get(k));
  });

  it('injects each fault kind at its configured frequency', () => {
    const injector = new FaultInjector(config);
    const counts: Record<FaultKind | 'none', number> = {
      transient: 0,
      throttle: 0,
      timeout: 0,
      permanent: 0,
      none: 0,
    };
    const n = 40_000;
    for (let i = 0; i < n; i++)
      counts[injector.plan('bedrock_inference', `key-${i}`, 1).fault ?? 'none'] += 1;
    const expected = { transient: 0.1, throttle: 0.05, timeout: 0.02, permanent: 0.03, none: 0.8 };
    for (const kind of [...FAULT_KINDS, 'none'] as const) {
      // 4 standard errors of a binomial proportion.
      const tolerance = 4 * Math.sqrt((expected[kind] * (1 - expected[kind])) / n);
      expect(Math.abs(counts[kind] / n - expected[kind])).toBeLessThan(tolerance);
    }
  });

  it('keeps latency draws when only probabilities change', () => {
    const withFaults = new FaultInjector(config);
    const latencyOnly = new FaultInjector({
      seed: 42,
      stages: { bedrock_inference: { latency: { kind: 'lognormal', medianMs: 800, p99Ms: 4000 } } },
    });
    for (const k of keys.slice(0, 20)) {
      expect(latencyOnly.plan('bedrock_inference', k, 1).delayMs).toBe(
        withFaults.plan('bedrock_inference', k, 1).delayMs,
      );
    }
  });

  it('plans nothing for a stage without a profile', () => {
    const injector = new FaultInjector(config);
    expect(injector.plan('create_pr', 'k', 1)).toEqual({ delayMs: 0 });
    expect(injector.profileFor('create_pr')).toBeUndefined();
  });

  it('configure replaces the profile and validates', () => {
    const injector = new FaultInjector(config);
    injector.configure({ stages: { create_pr: { permanent: 1 } } });
    expect(injector.plan('create_pr', 'k', 1).fault).toBe('permanent');
    expect(injector.plan('bedrock_inference', 'k', 1)).toEqual({ delayMs: 0 });
    expect(() => injector.configure({ stages: { create_pr: { permanent: 2 } } })).toThrow(
      /create_pr\.permanent/,
    );
    expect(injector.config.stages.create_pr?.permanent).toBe(1);
  });
});

describe('FaultInjector counters', () => {
  it('counts per stage and kind, returns snapshots, and resets', () => {
    const injector = new FaultInjector(config);
    injector.record('bedrock_inference', 'throttle');
    injector.record('bedrock_inference', 'throttle');
    injector.record('create_pr', 'permanent');
    injector.recordDelay('clone_repo', 12.5);
    injector.recordDelay('clone_repo', 7.5);
    const snapshot = injector.counters();
    expect(Object.keys(snapshot)).toEqual([...EXTERNAL_STAGES]);
    expect(snapshot.bedrock_inference.throttle).toBe(2);
    expect(snapshot.create_pr.permanent).toBe(1);
    expect(snapshot.clone_repo).toMatchObject({ latency: 2, delayMs: 20, transient: 0 });
    snapshot.create_pr.permanent = 99;
    expect(injector.counters().create_pr.permanent).toBe(1);
    injector.reset();
    expect(injector.counters().bedrock_inference.throttle).toBe(0);
    expect(injector.config.seed).toBe(42);
  });
});
