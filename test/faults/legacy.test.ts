import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/faults/injector.js';
import { fromLegacy } from '../../src/faults/legacy.js';
import { mergeFaultConfig } from '../../src/faults/merge.js';
import { parseFaultConfig } from '../../src/faults/profile.js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { EXTERNAL_STAGES } from '../../src/pipeline/stages.js';

describe('fromLegacy', () => {
  it('splits latency_ms over the stages 10/20/50/20 as fixed latencies', () => {
    const config = fromLegacy(1000, 0, 3);
    expect(config.seed).toBe(3);
    expect(config.stages.fetch_vanta?.latency).toEqual({ kind: 'fixed', ms: 100 });
    expect(config.stages.clone_repo?.latency).toEqual({ kind: 'fixed', ms: 200 });
    expect(config.stages.bedrock_inference?.latency).toEqual({ kind: 'fixed', ms: 500 });
    expect(config.stages.create_pr?.latency).toEqual({ kind: 'fixed', ms: 200 });
    const injector = new FaultInjector(config);
    const total = EXTERNAL_STAGES.reduce((sum, stage) => sum + injector.plan(stage, 'k', 1).delayMs, 0);
    expect(total).toBeCloseTo(1000, 9);
    expect(EXTERNAL_STAGES.some((stage) => injector.plan(stage, 'k', 1).fault !== undefined)).toBe(false);
  });

  it('turns failure_rate into a permanent fault probability at bedrock_inference only', () => {
    const config = fromLegacy(0, 0.25, 1);
    expect(Object.keys(config.stages)).toEqual(['bedrock_inference']);
    expect(config.stages.bedrock_inference).toMatchObject({ permanent: 0.25 });
    expect(config.stages.bedrock_inference?.latency).toBeUndefined();
    const injector = new FaultInjector(config);
    let failures = 0;
    for (let i = 0; i < 10_000; i++)
      if (injector.plan('bedrock_inference', `k${i}`, 1).fault === 'permanent') failures += 1;
    expect(failures / 10_000).toBeGreaterThan(0.23);
    expect(failures / 10_000).toBeLessThan(0.27);
  });

  it('leaves every stage out when there is nothing to inject', () => {
    expect(fromLegacy(0, 0, 1).stages).toEqual({});
  });

  it('rejects out-of-range knobs naming the guide field', () => {
    expect(() => fromLegacy(-1, 0, 1)).toThrow(TerraFixError);
    expect(() => fromLegacy(-1, 0, 1)).toThrow(/latency_ms/);
    expect(() => fromLegacy(0, 1.5, 1)).toThrow(/failure_rate/);
  });
});

describe('mergeFaultConfig', () => {
  const base = parseFaultConfig({
    seed: 4,
    stages: { clone_repo: { transient: 0.1, timeoutMs: 500 }, create_pr: { permanent: 0.2 } },
  });

  it('replaces a named stage whole and keeps the others', () => {
    const merged = mergeFaultConfig(base, { stages: { clone_repo: { throttle: 0.3 } } });
    expect(merged.seed).toBe(4);
    expect(merged.stages.clone_repo).toEqual({
      throttle: 0.3,
      throttleRetryAfterMs: 1000,
      timeoutMs: 30_000,
    });
    expect(merged.stages.create_pr).toEqual(base.stages.create_pr);
  });

  it('adds stages, removes stages with null and changes the seed', () => {
    const merged = mergeFaultConfig(base, {
      seed: 9,
      stages: { fetch_vanta: { transient: 1 }, create_pr: null },
    });
    expect(merged.seed).toBe(9);
    expect(Object.keys(merged.stages).sort()).toEqual(['clone_repo', 'fetch_vanta']);
  });

  it('validates the result naming the field, and leaves the base untouched', () => {
    expect(() => mergeFaultConfig(base, { stages: { create_pr: { permanent: 2 } } })).toThrow(
      /stages\.create_pr\.permanent/,
    );
    expect(base.stages.create_pr?.permanent).toBe(0.2);
  });
});
