import { describe, expect, it } from 'vitest';
import {
  bodyMaker,
  failureBody,
  failureFor,
  ITEM_STRIDE,
  iterationRequest,
  MAX_ITERATIONS,
  type PayloadMixInput,
  requestGenerator,
} from '../../experiments/payloads.js';

const MIXES: PayloadMixInput[] = [
  { endpoint: 'webhook', mode: 'sync', duplicateRatio: 0, batchRatio: 0, repoSize: 'small' },
  {
    endpoint: 'mixed',
    mode: 'async',
    duplicateRatio: 0.3,
    batchRatio: 0.5,
    batchSize: { min: 2, max: 5 },
    repoSize: 'mixed',
  },
  {
    endpoint: 'webhook',
    mode: 'sync',
    duplicateRatio: 0,
    batchRatio: 0,
    repoSize: 'large',
    templates: ['sg-open-ssh'],
  },
  {
    endpoint: 'batch',
    mode: 'sync',
    duplicateRatio: 0.5,
    batchRatio: 0,
    batchSize: { min: 1, max: 4 },
    repoSize: 'medium',
    templates: ['s3-versioning-enabled', 'rds-encryption'],
  },
];

describe('precomputed body templates', () => {
  it('give byte for byte the JSON of the failure object, for every mix, id and failed_at', () => {
    for (const mix of MIXES) {
      for (const failedAt of ['2026-11-30T00:00:00.000Z', '2026-12-01T10:20:30.400Z']) {
        for (let id = 0; id < 400; id += 7) {
          expect(failureBody(mix, 11, id, failedAt)).toBe(JSON.stringify(failureFor(mix, 11, id, failedAt)));
        }
      }
    }
  });

  it('keep batches a JSON array of the same failures', () => {
    const mix = MIXES[1]!;
    for (let n = 0; n < 50; n++) {
      const request = iterationRequest(mix, 5, n, '2026-11-30T00:00:00.000Z');
      const parsed = JSON.parse(request.body) as unknown;
      if (request.path.startsWith('/batch')) expect(parsed).toHaveLength(request.items);
      else expect(request.items).toBe(1);
    }
  });
});

describe('requestGenerator', () => {
  it('sends exactly the requests of iterationRequest, for every mix, seed and iteration', () => {
    for (const mix of MIXES) {
      for (const [seed, failedAt] of [
        [11, '2026-11-30T00:00:00.000Z'],
        [4_000_000_000, '2026-12-01T10:20:30.400Z'],
        // The seed whose ids start with '0' (the generator pads those itself).
        [18, '2026-11-30T00:00:00.000Z'],
      ] as const) {
        const next = requestGenerator(mix, seed, failedAt);
        // The last iterations a run may have: the generator's folded multiplier must stay exact there.
        for (const n of [
          ...Array.from({ length: 300 }, (_, i) => i),
          123_456,
          9_999_999,
          MAX_ITERATIONS - 1,
        ]) {
          expect(next(n)).toEqual(iterationRequest(mix, seed, n, failedAt));
        }
      }
    }
  });
});

describe('payload ids', () => {
  const idsOf = (body: string): [string, string] => {
    const f = JSON.parse(body) as { test_id: string; resource_id: string };
    return [f.test_id.slice(-8), f.resource_id.slice(4)];
  };

  it('are 8 characters of [0-9a-z], the same in test_id and resource_id, distinct across a run', () => {
    const mix = MIXES[0]!;
    for (const seed of [11, 18, 4_000_000_000]) {
      const body = bodyMaker(mix, seed, '2026-11-30T00:00:00.000Z', undefined, ITEM_STRIDE);
      const seen = new Set<string>();
      const ns = [...Array.from({ length: 30_000 }, (_, i) => i), MAX_ITERATIONS - 2, MAX_ITERATIONS - 1];
      for (const n of ns) {
        const [id, resource] = idsOf(body(n));
        expect(id).toMatch(/^[0-9a-z]{8}$/);
        expect(resource).toBe(id);
        seen.add(id);
      }
      expect(seen.size).toBe(ns.length);
    }
  });

  it('are distinct for batch items too', () => {
    const body = bodyMaker(MIXES[3]!, 5, '2026-11-30T00:00:00.000Z');
    const seen = new Set<string>();
    for (let n = 0; n < 200; n++) for (let j = 0; j < 50; j++) seen.add(idsOf(body(n * ITEM_STRIDE + j))[0]);
    expect(seen.size).toBe(200 * 50);
  });
});

describe('failure draws', () => {
  it('spread sizes, templates, severities and targets evenly (each within 15 % of uniform)', () => {
    const mix: PayloadMixInput = { ...MIXES[1]!, templates: undefined };
    const counts = new Map<string, number>();
    const add = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
    const total = 6000;
    for (let id = 0; id < total; id++) {
      const f = failureFor(mix, 3, id * 1000, '2026-11-30T00:00:00.000Z');
      add(`size:${f.resource_details?.['repo_size'] as string}`);
      add(`template:${f.test_name}`);
      add(`severity:${f.severity}`);
      if (f.resource_details?.['repo_size'] === 'small') add(`small-target:${f.resource_arn}`);
    }
    const groups: [string, number][] = [
      ['size:', 3],
      ['template:', 5],
      ['severity:', 4],
    ];
    for (const [prefix, n] of groups) {
      const seen = [...counts].filter(([k]) => k.startsWith(prefix));
      expect(seen).toHaveLength(n);
      for (const [, c] of seen) expect(Math.abs(c / (total / n) - 1)).toBeLessThan(0.15);
    }
    // Small repositories have 8 targets, two per resource type: every one of them is drawn.
    expect([...counts.keys()].filter((k) => k.startsWith('small-target:'))).toHaveLength(8);
  });
});
