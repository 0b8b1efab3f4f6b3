import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { IntakePressure } from '../../src/queue/intake-pressure.js';
import { MemoryJobQueue } from '../../src/queue/memory-queue.js';
import type { Admission } from '../../src/queue/port.js';
import type { QueueLoad } from '../../src/queue/retry-after.js';

/** A handler whose jobs finish only when the test says so. */
function gatedHandler() {
  const release = new Map<number, () => void>();
  const started: number[] = [];
  const handler = (payload: number): Promise<string> => {
    started.push(payload);
    return new Promise((resolve) => release.set(payload, () => resolve(`ok:${payload}`)));
  };
  const finish = async (payload: number): Promise<void> => {
    const fn = release.get(payload);
    if (fn === undefined) throw new Error(`job ${payload} has not started`);
    fn();
    await turn(); // let the queue observe the completion
    await turn(); // and dispatch the next job (dispatch runs on its own event-loop turn)
  };
  return { handler, finish, started };
}

/** One event-loop turn: the queue starts jobs from setImmediate, never inside submit(). */
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

const onError = (error: unknown): string => `error:${error instanceof Error ? error.message : String(error)}`;

/** The admitted jobs with their completion, observed through the port's `wait`. */
function accepted<R>(
  queue: { wait(id: string): Promise<R> },
  admission: Admission,
): { id: string; done: Promise<R> }[] {
  if (!admission.accepted) throw new Error(`refused: ${admission.reason}`);
  return admission.ids.map((id) => ({ id, done: queue.wait(id) }));
}

describe('MemoryJobQueue', () => {
  it('never runs more than `workers` handlers at once', async () => {
    let running = 0;
    let maxRunning = 0;
    const queue = new MemoryJobQueue<number, number>({
      workers: 3,
      limit: 100,
      onError: () => -1,
      handler: async (n) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, n % 3));
        running -= 1;
        return n;
      },
    });
    const jobs = accepted(queue, queue.admit(Array.from({ length: 60 }, (_, i) => i)));
    expect(queue.active).toBe(0); // nothing starts inside submit()
    await turn();
    expect(queue.active).toBe(3);
    expect(queue.depth).toBe(57);
    await Promise.all(jobs.map((j) => j.done));
    expect(maxRunning).toBe(3);
    expect(queue.active).toBe(0);
  });

  it('admits `workers` running plus `limit` waiting and refuses the next with a Retry-After', async () => {
    const { handler, finish } = gatedHandler();
    const queue = new MemoryJobQueue<number, string>({ workers: 1, limit: 5, handler, onError });
    for (let i = 0; i < 6; i += 1) expect(queue.admit([i]).accepted).toBe(true);
    await turn();
    expect(queue.active).toBe(1);
    expect(queue.depth).toBe(5);
    const refused = queue.admit([6]);
    expect(refused).toEqual({ accepted: false, reason: 'queue_full', retryAfterMs: 1000 });
    await finish(0);
    expect(queue.admit([7]).accepted).toBe(true); // a slot freed up
    for (const i of [1, 2, 3, 4, 5, 7]) await finish(i);
    await queue.drain();
  });

  it('admits a multi-payload submission all or none', async () => {
    const { handler, finish, started } = gatedHandler();
    const queue = new MemoryJobQueue<number, string>({ workers: 1, limit: 2, handler, onError });
    // Larger than workers + limit: it could never fit, so it is not a queue_full to retry.
    expect(queue.admit([1, 2, 3, 4])).toEqual({
      accepted: false,
      reason: 'exceeds_capacity',
      retryAfterMs: 0,
      capacity: 3,
    });
    expect(queue.depth + queue.active).toBe(0);
    expect(started).toEqual([]);
    const jobs = accepted(queue, queue.admit([1, 2, 3]));
    expect(jobs).toHaveLength(3);
    expect(queue.admit([4])).toMatchObject({ accepted: false });
    await turn();
    for (const i of [1, 2, 3]) await finish(i);
    expect(await Promise.all(jobs.map((j) => j.done))).toEqual(['ok:1', 'ok:2', 'ok:3']);
  });

  it('turns a handler throw (async or sync) into a result through onError', async () => {
    const queue = new MemoryJobQueue<number, string>({
      workers: 2,
      limit: 10,
      onError,
      handler: (n) => {
        if (n === 1) throw new Error('sync boom');
        if (n === 2) return Promise.reject(new Error('async boom'));
        return Promise.resolve(`ok:${n}`);
      },
    });
    const jobs = accepted(queue, queue.admit([0, 1, 2, 3]));
    expect(await Promise.all(jobs.map((j) => j.done))).toEqual([
      'ok:0',
      'error:sync boom',
      'error:async boom',
      'ok:3',
    ]);
    expect(queue.info(jobs[1]?.id ?? '')).toMatchObject({ state: 'done', result: 'error:sync boom' });
  });

  it('rejects `done` only when onError itself throws, and keeps serving', async () => {
    const queue = new MemoryJobQueue<number, string>({
      workers: 1,
      limit: 10,
      onError: () => {
        throw new Error('onError bug');
      },
      handler: (n) => (n === 0 ? Promise.reject(new Error('x')) : Promise.resolve('fine')),
    });
    const [bad, good] = accepted(queue, queue.admit([0, 1]));
    await expect(bad?.done).rejects.toThrow('onError bug');
    await expect(good?.done).resolves.toBe('fine');
    expect(queue.active).toBe(0);
  });

  it('resolves every one of 1,000 accepted jobs with workers 4', async () => {
    const queue = new MemoryJobQueue<number, number>({
      workers: 4,
      limit: 1000,
      onError: () => -1,
      handler: async (n) => {
        if (n % 10 === 0) await new Promise((r) => setImmediate(r));
        if (n % 97 === 0) throw new Error('unlucky');
        return n * 2;
      },
    });
    const jobs = accepted(queue, queue.admit(Array.from({ length: 1000 }, (_, i) => i)));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1000);
    const results = await Promise.all(jobs.map((j) => j.done));
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => (i % 97 === 0 ? -1 : i * 2)));
    expect(queue.depth).toBe(0);
    expect(queue.active).toBe(0);
  });

  it('does not grow the stack when many handlers throw synchronously', async () => {
    const queue = new MemoryJobQueue<number, string>({
      workers: 1,
      limit: 20_000,
      onError,
      handler: () => {
        throw new Error('sync');
      },
    });
    const jobs = accepted(queue, queue.admit(Array.from({ length: 20_000 }, (_, i) => i)));
    expect(await jobs[19_999]?.done).toBe('error:sync');
  });

  it('reports a job as queued, then running, then done with its result', async () => {
    let clock = 1_000;
    const { handler, finish } = gatedHandler();
    const queue = new MemoryJobQueue<number, string>({
      workers: 1,
      limit: 5,
      handler,
      onError,
      now: () => clock,
    });
    const [first, second] = accepted(queue, queue.admit([1, 2]));
    const id = second?.id ?? '';
    expect(queue.info(id)).toEqual({ id, state: 'queued', enqueuedAt: 1000 });
    await turn();
    clock = 1_500;
    await finish(1);
    expect(queue.info(first?.id ?? '')).toMatchObject({ state: 'done', result: 'ok:1', finishedAt: 1500 });
    expect(queue.info(id)).toEqual({ id, state: 'running', enqueuedAt: 1000, startedAt: 1500 });
    clock = 1_800;
    await finish(2);
    expect(queue.info(id)).toEqual({
      id,
      state: 'done',
      enqueuedAt: 1000,
      startedAt: 1500,
      finishedAt: 1800,
      result: 'ok:2',
    });
    expect(queue.info('no-such-job')).toBeUndefined();
  });

  it('serves the async port: submit, get, wait, stats and resize answer through promises', async () => {
    const { handler, finish } = gatedHandler();
    const queue = new MemoryJobQueue<number, string>({ workers: 1, limit: 2, handler, onError });
    const admission = await queue.submit([1, 2]);
    if (!admission.accepted) throw new Error('refused');
    const [first = '', second = ''] = admission.ids;
    const done = queue.wait(second);
    expect(await queue.stats()).toEqual({
      workers: 1,
      limit: 2,
      depth: 2,
      active: 0,
      yieldingToIntake: false,
    });
    await turn();
    expect(await queue.get(first)).toMatchObject({ state: 'running' });
    expect(await queue.submit([3, 4])).toMatchObject({ accepted: false, reason: 'queue_full' });
    await queue.resize({ workers: 2, limit: 2 });
    await turn();
    expect(await queue.stats()).toMatchObject({ workers: 2, depth: 0, active: 2 });
    await finish(1);
    await finish(2);
    await expect(done).resolves.toBe('ok:2');
    // A finished job's result stays available to a late waiter; an unknown id is refused by code.
    await expect(queue.wait(first)).resolves.toBe('ok:1');
    await expect(queue.wait('no-such-job')).rejects.toMatchObject({ code: 'TFX_NOT_FOUND' });
    expect(await queue.get('no-such-job')).toBeUndefined();
  });

  it('forgets finished jobs beyond the retention count and age', async () => {
    let clock = 0;
    const queue = new MemoryJobQueue<number, number>({
      workers: 2,
      limit: 10,
      onError: () => -1,
      handler: (n) => Promise.resolve(n),
      retention: { maxFinished: 3, maxAgeMs: 60_000 },
      now: () => clock,
    });
    const jobs = accepted(queue, queue.admit([0, 1, 2, 3, 4]));
    await Promise.all(jobs.map((j) => j.done));
    const seen = jobs.map((j) => queue.info(j.id)?.result);
    expect(seen).toEqual([undefined, undefined, 2, 3, 4]);
    clock = 59_999;
    expect(queue.info(jobs[4]?.id ?? '')).toBeDefined();
    clock = 60_000;
    expect(jobs.map((j) => queue.info(j.id))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('starts waiting jobs at once when resized up, and never cancels work when resized down', async () => {
    const { handler, finish, started } = gatedHandler();
    const queue = new MemoryJobQueue<number, string>({ workers: 1, limit: 10, handler, onError });
    const jobs = accepted(queue, queue.admit([1, 2, 3, 4, 5]));
    await turn();
    expect([queue.active, queue.depth]).toEqual([1, 4]);
    await queue.resize({ workers: 3, limit: 10 });
    expect(queue.sizing).toEqual({ workers: 3, limit: 10 });
    await turn();
    expect([queue.active, queue.depth]).toEqual([3, 2]);
    expect(started).toEqual([1, 2, 3]);
    await queue.resize({ workers: 1, limit: 1 });
    expect([queue.active, queue.depth]).toEqual([3, 2]); // nothing cancelled
    expect(queue.admit([6])).toMatchObject({ accepted: false, reason: 'queue_full' });
    await finish(1);
    await finish(2);
    expect(queue.active).toBe(1); // over the new size: no new start until below it
    await finish(3);
    expect(started).toEqual([1, 2, 3, 4]);
    await finish(4);
    await finish(5);
    expect(await Promise.all(jobs.map((j) => j.done))).toHaveLength(5);
  });

  it('drain() waits for every accepted job and refuses new work', async () => {
    const { handler, finish } = gatedHandler();
    const queue = new MemoryJobQueue<number, string>({ workers: 1, limit: 5, handler, onError });
    const jobs = accepted(queue, queue.admit([1, 2]));
    await turn();
    let drained = false;
    const draining = queue.drain().then(() => {
      drained = true;
    });
    expect(queue.draining).toBe(true);
    expect(queue.admit([3])).toMatchObject({ accepted: false, reason: 'draining' });
    await finish(1);
    expect(drained).toBe(false);
    await finish(2);
    await draining;
    expect(drained).toBe(true);
    expect(await Promise.all(jobs.map((j) => j.done))).toEqual(['ok:1', 'ok:2']);
    await expect(queue.drain()).resolves.toBeUndefined();
  });

  it('drains an idle queue at once', async () => {
    const queue = new MemoryJobQueue<number, number>({
      workers: 1,
      limit: 1,
      onError: () => -1,
      handler: (n) => Promise.resolve(n),
    });
    await expect(queue.drain()).resolves.toBeUndefined();
  });

  it('passes the load to a custom Retry-After estimate', async () => {
    const loads: QueueLoad[] = [];
    let clock = 0;
    const { handler, finish } = gatedHandler();
    const queue = new MemoryJobQueue<number, string>({
      workers: 1,
      limit: 1,
      handler,
      onError,
      now: () => clock,
      retryAfterMs: (load) => {
        loads.push(load);
        return 4242;
      },
    });
    accepted(queue, queue.admit([1, 2]));
    await turn();
    clock = 300;
    await finish(1);
    accepted(queue, queue.admit([3]));
    expect(queue.admit([4])).toEqual({ accepted: false, reason: 'queue_full', retryAfterMs: 4242 });
    expect(loads).toEqual([{ depth: 1, active: 1, workers: 1, limit: 1, meanDurationMs: 300 }]);
    await finish(2);
    await finish(3);
  });

  it('rejects sizes that cannot work', () => {
    const make = (workers: number, limit: number) =>
      new MemoryJobQueue<number, number>({
        workers,
        limit,
        onError: () => -1,
        handler: (n) => Promise.resolve(n),
      });
    expect(() => make(0, 10)).toThrow(TerraFixError);
    expect(() => make(1.5, 10)).toThrow(/workers/);
    expect(() => make(1, -1)).toThrow(/limit/);
    expect(() => make(1, 0).resize({ workers: 0, limit: 0 })).toThrow(/workers/);
  });

  it('starts foreground jobs before background ones, and background ones a few per turn', async () => {
    const { handler, started } = gatedHandler();
    const queue = new MemoryJobQueue<number, string>({
      workers: 10,
      limit: 10,
      handler,
      onError,
      dispatchSlice: 2,
      backgroundSlice: 1,
    });
    accepted(queue, queue.admit([101, 102, 103], { background: true }));
    accepted(queue, queue.admit([1, 2, 3]));
    expect(queue.depth).toBe(6);
    await turn();
    expect(started).toEqual([1, 2, 101]); // two foreground (the slice), then one background
    await turn();
    expect(started).toEqual([1, 2, 101, 3, 102]);
    await turn();
    expect(started).toEqual([1, 2, 101, 3, 102, 103]);
    // Capacity (workers + limit = 20) counts both kinds: 6 are in, so 15 more do not fit and 14 do.
    expect(
      queue.admit(
        Array.from({ length: 15 }, (_, i) => i),
        { background: true },
      ),
    ).toMatchObject({ accepted: false });
    expect(queue.admit(Array.from({ length: 14 }, (_, i) => i)).accepted).toBe(true);
  });
});

/** An IntakePressure that always reports intake saturating the loop. */
class AlwaysPressed extends IntakePressure {
  override evaluate(): boolean {
    return true;
  }
  override get pressed(): boolean {
    return true;
  }
}

/** A queue under permanent intake pressure, on fake timers, recording the order jobs start in. */
function pressedQueue(limit: number, backgroundTrickleMs: number) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
  const started: number[] = [];
  const queue = new MemoryJobQueue<number, number>({
    workers: 10,
    limit,
    onError: () => -1,
    handler: (n) => {
      started.push(n);
      return Promise.resolve(n);
    },
    intakePressure: new AlwaysPressed(),
    backgroundTrickleMs,
  });
  return { queue, started };
}

describe('MemoryJobQueue while intake saturates the loop', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('trickles background jobs, one per interval, while foreground jobs start at once', async () => {
    const { queue, started } = pressedQueue(100, 50);
    expect(queue.yieldingToIntake).toBe(true);
    accepted(queue, queue.admit([101, 102, 103, 104], { background: true }));
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([101]);
    await vi.advanceTimersByTimeAsync(30);
    expect(started).toEqual([101]);
    accepted(queue, queue.admit([1, 2]));
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([101, 1, 2]); // foreground does not wait for the trickle
    await vi.advanceTimersByTimeAsync(25);
    expect(started).toEqual([101, 1, 2, 102]);
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual([101, 1, 2, 102, 103, 104]);
    expect(queue.depth).toBe(0);
  });

  it('stops trickling once background jobs hold half the queue, so the backlog drains', async () => {
    const { queue, started } = pressedQueue(6, 1_000);
    accepted(queue, queue.admit([1, 2, 3, 4, 5], { background: true }));
    // 5 of 6 places, then 4, then 3: one per turn, no trickle wait; below half, the trickle is back.
    await vi.advanceTimersByTimeAsync(5);
    expect(started).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(900);
    expect(started).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(200);
    expect(started).toEqual([1, 2, 3, 4]);
  });
});
