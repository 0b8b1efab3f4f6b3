/**
 * One behaviour suite for every StateStore. Each implementation's test file calls `stateStoreContract` with a
 * factory; the suite drives time through an injected clock, so leases expire without sleeping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StateStore, StateStoreOptions } from '../../src/pipeline/state-store.js';

export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(start = Date.parse('2025-03-01T12:00:00.000Z')): TestClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export type MakeStore = (options: StateStoreOptions, clock: TestClock) => StateStore | Promise<StateStore>;

const DEFAULTS: StateStoreOptions = { retentionSeconds: 3600, claimLeaseSeconds: 60, maxAttempts: 3 };
const META = { test_id: 'test-s3-encryption', resource_arn: 'arn:aws:s3:::logs-bucket' };
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EXPECTED_KEYS = ['attempts', 'claimed_at', 'resource_arn', 'status', 'test_id', 'updated_at'];

/** Registers the shared StateStore behaviour tests under `name`. */
export function stateStoreContract(name: string, makeStore: MakeStore): void {
  describe(`StateStore contract: ${name}`, () => {
    const opened: StateStore[] = [];
    let clock: TestClock;

    async function open(overrides: Partial<StateStoreOptions> = {}): Promise<StateStore> {
      clock = testClock();
      const store = await makeStore({ ...DEFAULTS, ...overrides }, clock);
      opened.push(store);
      return store;
    }

    afterEach(async () => {
      for (const store of opened.splice(0)) {
        await store.clear();
        await store.close();
      }
    });

    it('grants the first claim with attempts 1 and records it as in_progress', async () => {
      const store = await open();
      expect(await store.claim('k1', META)).toEqual({ claimed: true, attempts: 1 });
      const state = await store.get('k1');
      expect(state).toEqual({
        status: 'in_progress',
        ...META,
        claimed_at: '2025-03-01T12:00:00.000Z',
        updated_at: '2025-03-01T12:00:00.000Z',
        attempts: 1,
      });
      expect(Object.keys(state ?? {}).sort()).toEqual(EXPECTED_KEYS); // no store-internal fields leak
    });

    it('refuses a second claim of a key that is in progress', async () => {
      const store = await open();
      await store.claim('k1', META);
      expect(await store.claim('k1', META)).toEqual({
        claimed: false,
        status: 'in_progress',
        reason: 'in_progress',
      });
      expect(await store.claim('k2', META)).toEqual({ claimed: true, attempts: 1 });
    });

    it('skips a completed key and keeps claimed_at and attempts on completion', async () => {
      const store = await open();
      await store.claim('k1', META);
      clock.advance(1500);
      await store.complete('k1', { pr_url: 'https://github.com/acme/infra/pull/7' });
      expect(await store.claim('k1', META)).toEqual({
        claimed: false,
        status: 'completed',
        reason: 'completed',
      });
      expect(await store.get('k1')).toEqual({
        status: 'completed',
        ...META,
        claimed_at: '2025-03-01T12:00:00.000Z',
        updated_at: '2025-03-01T12:00:01.500Z',
        completed_at: '2025-03-01T12:00:01.500Z',
        attempts: 1,
        pr_url: 'https://github.com/acme/infra/pull/7',
      });
    });

    it('reclaims a retryable failure with attempts incremented until maxAttempts, then reports exhaustion', async () => {
      const store = await open({ maxAttempts: 3 });
      const transient = { code: 'TFX_TRANSIENT', message: 'bedrock 503', retryable: true };
      expect(await store.claim('k1', META)).toEqual({ claimed: true, attempts: 1 });
      await store.fail('k1', transient);
      expect(await store.claim('k1', META)).toEqual({ claimed: true, attempts: 2 });
      await store.fail('k1', transient);
      expect(await store.claim('k1', META)).toEqual({ claimed: true, attempts: 3 });
      await store.fail('k1', transient);
      expect(await store.claim('k1', META)).toEqual({
        claimed: false,
        status: 'failed',
        reason: 'attempts_exhausted',
      });
      expect(await store.get('k1')).toMatchObject({ status: 'failed', attempts: 3, retryable: true });
    });

    it('never reclaims a permanent failure and stores the error', async () => {
      const store = await open();
      await store.claim('k1', META);
      clock.advance(10);
      await store.fail('k1', { code: 'TFX_FIX_INVALID', message: 'fix does not parse', retryable: false });
      expect(await store.claim('k1', META)).toEqual({
        claimed: false,
        status: 'failed',
        reason: 'failed_permanently',
      });
      expect(await store.get('k1')).toEqual({
        status: 'failed',
        ...META,
        claimed_at: '2025-03-01T12:00:00.000Z',
        updated_at: '2025-03-01T12:00:00.010Z',
        failed_at: '2025-03-01T12:00:00.010Z',
        attempts: 1,
        error_code: 'TFX_FIX_INVALID',
        last_error: 'fix does not parse',
        retryable: false,
      });
    });

    it('lets a claim be taken again once its lease has expired, counting the lost attempt', async () => {
      const store = await open({ claimLeaseSeconds: 1 });
      await store.claim('k1', META);
      clock.advance(999);
      expect(await store.claim('k1', META)).toMatchObject({ claimed: false, reason: 'in_progress' });
      clock.advance(1);
      expect(await store.claim('k1', META)).toEqual({ claimed: true, attempts: 2 });
      expect(await store.get('k1')).toMatchObject({
        status: 'in_progress',
        claimed_at: '2025-03-01T12:00:01.000Z',
      });
      // The new claim holds a fresh lease.
      expect(await store.claim('k1', META)).toMatchObject({ claimed: false, reason: 'in_progress' });
    });

    it('lets a run resumed after its worker died take over an unexpired claim (takeOver), counting the attempt', async () => {
      const store = await open({ claimLeaseSeconds: 900 });
      await store.claim('k1', META);
      clock.advance(5_000);
      expect(await store.claim('k1', META)).toMatchObject({ claimed: false, reason: 'in_progress' });
      expect(await store.claim('k1', META, { takeOver: true })).toEqual({ claimed: true, attempts: 2 });
      // Taking over never reopens what is settled.
      await store.complete('k1', { pr_url: 'https://github.com/acme/infra/pull/9' });
      expect(await store.claim('k1', META, { takeOver: true })).toMatchObject({
        claimed: false,
        reason: 'completed',
      });
    });

    it('drops the previous error when a retry completes', async () => {
      const store = await open();
      await store.claim('k1', META);
      await store.fail('k1', { code: 'TFX_TIMEOUT', message: 'timed out', retryable: true });
      await store.claim('k1', META);
      await store.complete('k1', { pr_url: 'https://github.com/acme/infra/pull/8' });
      const state = await store.get('k1');
      expect(state).toMatchObject({ status: 'completed', attempts: 2 });
      expect(state).not.toHaveProperty('last_error');
      expect(state).not.toHaveProperty('error_code');
      expect(state).not.toHaveProperty('retryable');
    });

    it('still records an outcome for a key that has no record (cleared mid-run)', async () => {
      const store = await open();
      await store.complete('gone', { pr_url: 'https://github.com/acme/infra/pull/9' });
      expect(await store.get('gone')).toMatchObject({
        status: 'completed',
        pr_url: 'https://github.com/acme/infra/pull/9',
      });
      expect(await store.claim('gone', META)).toMatchObject({ claimed: false, reason: 'completed' });
    });

    it('returns undefined for an unknown key and UTC ISO timestamps for known ones', async () => {
      const store = await open();
      expect(await store.get('nope')).toBeUndefined();
      await store.claim('k1', META);
      await store.fail('k1', { code: 'TFX_TRANSIENT', message: 'x', retryable: true });
      const state = await store.get('k1');
      for (const field of ['claimed_at', 'updated_at', 'failed_at'] as const)
        expect(state?.[field]).toMatch(ISO_UTC);
    });

    it('cuts the error message to 1,000 characters', async () => {
      const store = await open();
      await store.claim('k1', META);
      await store.fail('k1', { code: 'TFX_INTERNAL', message: 'e'.repeat(5000), retryable: false });
      expect((await store.get('k1'))?.last_error).toBe('e'.repeat(1000));
    });

    it('counts records by status', async () => {
      const store = await open();
      expect(await store.stats()).toEqual({
        pending: 0,
        in_progress: 0,
        completed: 0,
        failed: 0,
        resolved: 0,
        total: 0,
      });
      for (const key of ['a', 'b', 'c', 'd']) await store.claim(key, META);
      await store.complete('a', { pr_url: 'https://example.test/1' });
      await store.complete('b', { pr_url: 'https://example.test/2' });
      await store.fail('c', { code: 'TFX_PERMANENT', message: 'no', retryable: false });
      expect(await store.stats()).toEqual({
        pending: 0,
        in_progress: 1,
        completed: 2,
        failed: 1,
        resolved: 0,
        total: 4,
      });
    });

    it('grants exactly one of 200 concurrent claims of one key', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 200 }, () => store.claim('hot', META)));
      expect(results.filter((r) => r.claimed)).toEqual([{ claimed: true, attempts: 1 }]);
      expect(results.filter((r) => !r.claimed && r.reason === 'in_progress')).toHaveLength(199);
    });

    it('clear() removes every record', async () => {
      const store = await open();
      await store.claim('a', META);
      await store.claim('b', META);
      await store.complete('b', { pr_url: 'https://example.test/1' });
      await store.clear();
      expect(await store.get('a')).toBeUndefined();
      expect((await store.stats()).total).toBe(0);
      expect(await store.claim('b', META)).toEqual({ claimed: true, attempts: 1 });
    });

    it('resolve() keeps the PR, counts as resolved, and a later failure is claimed afresh', async () => {
      const store = await open();
      await store.claim('r', META);
      await store.complete('r', { pr_url: 'https://example.test/7' });
      await store.resolve('r', 'pr_merged');
      const state = await store.get('r');
      expect(state).toMatchObject({
        status: 'resolved',
        resolution: 'pr_merged',
        pr_url: 'https://example.test/7',
      });
      expect(state?.resolved_at).toMatch(ISO_UTC);
      expect((await store.stats()).resolved).toBe(1);
      expect(await store.claim('r', META)).toEqual({ claimed: true, attempts: 1 });
    });

    it('cleanup() deletes settled records older than the cutoff, never claims in progress', async () => {
      const store = await open();
      for (const key of ['old-done', 'old-failed', 'old-running', 'new-done']) {
        await store.claim(key, META);
        if (key === 'new-done') continue;
        if (key.endsWith('done')) await store.complete(key, { pr_url: 'https://example.test/1' });
        if (key.endsWith('failed'))
          await store.fail(key, { code: 'TFX_PERMANENT', message: 'no', retryable: false });
      }
      clock.advance(10 * 60_000);
      const cutoff = clock.now();
      clock.advance(1_000);
      await store.complete('new-done', { pr_url: 'https://example.test/2' });
      expect(await store.cleanup(cutoff)).toBe(2);
      expect(await store.get('old-done')).toBeUndefined();
      expect(await store.get('old-failed')).toBeUndefined();
      expect((await store.get('old-running'))?.status).toBe('in_progress');
      expect((await store.get('new-done'))?.status).toBe('completed');
    });

    it('answers ping when the backing store is up', async () => {
      const store = await open();
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
