import { describe, expect, it } from 'vitest';
import { experimentsFor, loadProfile, parseProfile } from '../../experiments/profiles/load.js';
import { EXPERIMENT_NAMES, loadDuration, scaleRun } from '../../experiments/profiles/schema.js';

describe('experiment profiles', () => {
  it.each(EXPERIMENT_NAMES)('the shipped %s profile validates', (name) => {
    const profile = loadProfile(name);
    expect(profile.name).toBe(name);
    expect(profile.runs.length).toBeGreaterThan(0);
  });

  it('smoke fits in under 60 s', () => {
    const smoke = loadProfile('smoke');
    const total = smoke.runs.reduce((t, r) => t + loadDuration(r.load) + smoke.pauseBetweenRuns, 0);
    expect(total).toBeLessThan(60);
  });

  it('rejects a profile with a bad field, naming it', () => {
    const good = loadProfile('smoke');
    const bad = structuredClone(good) as unknown as {
      runs: { load: { rate: number }; mock: Record<string, unknown> }[];
    };
    bad.runs[0]!.load.rate = -5;
    expect(() => parseProfile(bad, 'bad.json')).toThrow(/bad\.json: runs\.0\.load\.rate/);
    const typo = structuredClone(good) as unknown as { runs: { mock: Record<string, unknown> }[] };
    typo.runs[1]!.mock.failure_rte = 0.1;
    expect(() => parseProfile(typo, 'typo.json')).toThrow(/runs\.1\.mock/);
    const noBatch = structuredClone(good) as unknown as { runs: { payload: Record<string, unknown> }[] };
    delete noBatch.runs[1]!.payload.batchSize;
    expect(() => parseProfile(noBatch, 'b.json')).toThrow(/runs\.1\.payload\.batchSize/);
  });

  it('scales durations and phase times', () => {
    const run = loadProfile('resilience').runs.find((r) => r.name === 'resilience_recovery')!;
    const scaled = scaleRun(run, 0.1);
    expect(loadDuration(scaled.load)).toBe(9);
    expect(scaled.phases.map((p) => p.at)).toEqual([3, 6]);
  });

  it('keeps every scaled duration, warm-ups included, at 1 s or more (k6 refuses shorter constant loads)', () => {
    for (const name of EXPERIMENT_NAMES) {
      for (const run of loadProfile(name).runs) {
        const scaled = scaleRun(run, 0.01);
        if (run.warmupSeconds > 0) expect(scaled.warmupSeconds).toBe(1);
        else expect(scaled.warmupSeconds).toBe(0);
        if ('duration' in scaled.load) expect(scaled.load.duration).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('expands all and rejects unknown experiment names', () => {
    expect(experimentsFor('all')).toEqual(['throughput', 'resilience', 'scalability', 'burst', 'cascade']);
    expect(experimentsFor('smoke,burst')).toEqual(['smoke', 'burst']);
    expect(() => experimentsFor('speed')).toThrow(/--experiment: unknown experiment "speed"/);
  });
});
