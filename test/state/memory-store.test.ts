import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { MemoryStateStore } from '../../src/state/memory-store.js';
import { stateStoreContract, testClock } from './contract.js';

stateStoreContract(
  'MemoryStateStore',
  (options, clock) => new MemoryStateStore({ ...options, now: clock.now }),
);

const META = { test_id: 't', resource_arn: 'arn:aws:s3:::b' };
const OPTIONS = { retentionSeconds: 60, claimLeaseSeconds: 10, maxAttempts: 3 };

describe('MemoryStateStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('treats a record past its retention as absent', async () => {
    const clock = testClock();
    const store = new MemoryStateStore({ ...OPTIONS, now: clock.now, sweepIntervalMs: 0 });
    await store.claim('k', META);
    await store.complete('k', { pr_url: 'https://example.test/1' });
    clock.advance(59_999);
    expect(await store.get('k')).toMatchObject({ status: 'completed' });
    clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.claim('k', META)).toEqual({ claimed: true, attempts: 1 });
    await store.close();
  });

  it('keeps an in_progress record for the retention period after its lease, so attempts survive a crash', async () => {
    const clock = testClock();
    const store = new MemoryStateStore({ ...OPTIONS, now: clock.now, sweepIntervalMs: 0 });
    await store.claim('k', META);
    clock.advance(30_000); // lease (10 s) over, retention (60 s) not
    expect((await store.stats()).in_progress).toBe(1);
    expect(await store.claim('k', META)).toEqual({ claimed: true, attempts: 2 });
    await store.close();
  });

  it('sweep() drops expired records so memory stays bounded', async () => {
    const clock = testClock();
    const store = new MemoryStateStore({ ...OPTIONS, now: clock.now, sweepIntervalMs: 0 });
    for (let i = 0; i < 100; i += 1)
      await store.fail(`k${i}`, { code: 'TFX_PERMANENT', message: 'x', retryable: false });
    clock.advance(30_000);
    await store.claim('fresh', META);
    expect(store.size).toBe(101);
    clock.advance(30_000);
    expect(store.sweep()).toBe(100);
    expect(store.size).toBe(1);
    await store.close();
  });

  it('sweeps on an unref’d timer that close() clears', async () => {
    vi.useFakeTimers();
    const clock = testClock();
    const store = new MemoryStateStore({ ...OPTIONS, now: clock.now, sweepIntervalMs: 1000 });
    await store.fail('k', { code: 'TFX_PERMANENT', message: 'x', retryable: false });
    expect(vi.getTimerCount()).toBe(1);
    clock.advance(60_000);
    vi.advanceTimersByTime(1000);
    expect(store.size).toBe(0);
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects options that cannot work', () => {
    expect(() => new MemoryStateStore({ ...OPTIONS, maxAttempts: 0 })).toThrow(TerraFixError);
    expect(() => new MemoryStateStore({ ...OPTIONS, retentionSeconds: Number.NaN })).toThrow(
      /retentionSeconds/,
    );
    expect(() => new MemoryStateStore({ ...OPTIONS, claimLeaseSeconds: 0 })).toThrow(/claimLeaseSeconds/);
  });

  it('hands out copies, so changing a returned record does not change the store', async () => {
    const store = new MemoryStateStore({ ...OPTIONS, sweepIntervalMs: 0 });
    await store.claim('k', META);
    const state = await store.get('k');
    if (state) state.status = 'completed';
    expect(await store.get('k')).toMatchObject({ status: 'in_progress' });
    await store.close();
  });
});

describe('MemoryStateStore memory bound', () => {
  it('forgets the oldest settled record beyond maxEntries, never a claim in progress', async () => {
    const store = new MemoryStateStore({
      retentionSeconds: 3600,
      claimLeaseSeconds: 60,
      maxAttempts: 3,
      maxEntries: 3,
      sweepIntervalMs: 0,
    });
    const meta = { test_id: 't', resource_arn: 'arn:aws:s3:::b' };
    await store.claim('running', meta); // stays in progress
    for (const key of ['a', 'b', 'c']) {
      await store.claim(key, meta);
      await store.complete(key, { pr_url: `https://example.test/${key}` });
    }
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBeUndefined(); // oldest settled one went
    expect((await store.get('running'))?.status).toBe('in_progress');
    expect(await store.claim('running', meta)).toMatchObject({ claimed: false, reason: 'in_progress' });
    expect(await store.claim('c', meta)).toMatchObject({ claimed: false, reason: 'completed' });
    await store.close();
  });
});
