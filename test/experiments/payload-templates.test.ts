import { describe, expect, it } from 'vitest';
import {
  failureBody,
  failureFor,
  iterationRequest,
  type PayloadMixInput,
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
