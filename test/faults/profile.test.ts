import { describe, expect, it } from 'vitest';
import { parseFaultConfig } from '../../src/faults/profile.js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { issuesOf } from '../../src/pipeline/validate-input.js';

function rejection(input: unknown): { field: string | undefined; message: string; fields: string[] } {
  try {
    parseFaultConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(TerraFixError);
    const e = error as TerraFixError;
    expect(e.category).toBe('validation');
    return { field: e.field, message: e.message, fields: (issuesOf(e) ?? []).map((i) => i.field) };
  }
  throw new Error('expected the configuration to be rejected');
}

describe('faultConfigSchema', () => {
  it('fills defaults', () => {
    expect(parseFaultConfig({})).toEqual({ seed: 1, stages: {} });
    expect(parseFaultConfig({ seed: 9, stages: { clone_repo: { transient: 0.1 } } })).toEqual({
      seed: 9,
      stages: { clone_repo: { transient: 0.1, throttleRetryAfterMs: 1000, timeoutMs: 30_000 } },
    });
  });

  it('accepts probabilities summing to exactly 1 despite float rounding', () => {
    expect(() =>
      parseFaultConfig({ stages: { create_pr: { transient: 0.1, throttle: 0.2, permanent: 0.7 } } }),
    ).not.toThrow();
  });

  it('rejects a negative latency naming the nested field', () => {
    const r = rejection({ stages: { clone_repo: { latency: { kind: 'fixed', ms: -1 } } } });
    expect(r.field).toBe('stages.clone_repo.latency.ms');
  });

  it('rejects a probability above 1', () => {
    expect(rejection({ stages: { fetch_vanta: { transient: 1.5 } } }).field).toBe(
      'stages.fetch_vanta.transient',
    );
  });

  it('rejects probabilities summing above 1, naming the last one', () => {
    const r = rejection({ stages: { bedrock_inference: { transient: 0.6, timeout: 0.5 } } });
    expect(r.field).toBe('stages.bedrock_inference.timeout');
    expect(r.message).toContain('sum to at most 1');
  });

  it('rejects p99 below median', () => {
    const r = rejection({
      stages: { bedrock_inference: { latency: { kind: 'lognormal', medianMs: 500, p99Ms: 100 } } },
    });
    expect(r.field).toBe('stages.bedrock_inference.latency.p99Ms');
  });

  it('rejects an unknown stage and an unknown stage field', () => {
    const stage = rejection({ stages: { parse_terraform: { transient: 0.1 } } });
    expect(stage.field).toBe('stages');
    expect(stage.message).toContain('parse_terraform');
    const field = rejection({ stages: { clone_repo: { transcient: 0.1 } } });
    expect(field.field).toBe('stages.clone_repo');
    expect(field.message).toContain('transcient');
  });

  it('rejects a non-integer seed and negative timeouts', () => {
    expect(rejection({ seed: 1.5 }).field).toBe('seed');
    expect(rejection({ stages: { create_pr: { timeoutMs: -1 } } }).field).toBe('stages.create_pr.timeoutMs');
  });

  it('lists every bad field', () => {
    const r = rejection({ seed: 'x', stages: { create_pr: { throttle: -0.1, throttleRetryAfterMs: -1 } } });
    expect(r.fields).toEqual(
      expect.arrayContaining(['seed', 'stages.create_pr.throttle', 'stages.create_pr.throttleRetryAfterMs']),
    );
  });
});
