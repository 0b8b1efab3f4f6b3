import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/faults/injector.js';
import type { FaultConfigInput, FaultKind } from '../../src/faults/profile.js';
import { withFaults } from '../../src/faults/with-faults.js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import type { CallContext } from '../../src/pipeline/ports.js';
import type { ExternalStage } from '../../src/pipeline/stages.js';

/** A class-based port with private state, so a lost `this` fails loudly. */
class FakePublisher {
  readonly label = 'fake';
  #calls: string[] = [];

  publish(title: string, _ctx: CallContext): Promise<string> {
    this.#calls.push(title);
    return Promise.resolve(`pr:${title}`);
  }

  /** No CallContext: never fault-injected. */
  describe(): string {
    return `${this.label} with ${this.#calls.length} calls`;
  }

  get calls(): readonly string[] {
    return this.#calls;
  }
}

/** Records requested sleeps instead of sleeping; honours an already-aborted signal like the real one. */
function fakeSleep(): { sleeps: number[]; sleep: (ms: number, signal?: AbortSignal) => Promise<void> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: (ms, signal) => {
      if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

const ctx = (key: string, attempt = 1, signal?: AbortSignal): CallContext =>
  signal === undefined ? { key, attempt } : { key, attempt, signal };

async function thrown(promise: Promise<unknown>): Promise<TerraFixError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TerraFixError);
    return error as TerraFixError;
  }
  throw new Error('expected a rejection');
}

function only(kind: FaultKind, extra: FaultConfigInput['stages'] = {}): FaultConfigInput {
  return { stages: { create_pr: { [kind]: 1, throttleRetryAfterMs: 2500, timeoutMs: 1234 }, ...extra } };
}

describe('withFaults', () => {
  it('sleeps the planned delay, then calls the real method', async () => {
    const injector = new FaultInjector({ stages: { create_pr: { latency: { kind: 'fixed', ms: 75 } } } });
    const { sleeps, sleep } = fakeSleep();
    const port = new FakePublisher();
    const wrapped = withFaults(port, 'create_pr', injector, { sleep });
    await expect(wrapped.publish('a', ctx('k1'))).resolves.toBe('pr:a');
    await expect(wrapped.publish('b', ctx('k2'))).resolves.toBe('pr:b');
    expect(sleeps).toEqual([75, 75]);
    expect(port.calls).toEqual(['a', 'b']);
    expect(injector.counters().create_pr).toMatchObject({ latency: 2, delayMs: 150 });
  });

  it('uses the plan of the call identity', async () => {
    const injector = new FaultInjector({
      stages: { create_pr: { latency: { kind: 'uniform', minMs: 0, maxMs: 1000 } } },
    });
    const { sleeps, sleep } = fakeSleep();
    const wrapped = withFaults(new FakePublisher(), 'create_pr', injector, { sleep });
    await wrapped.publish('x', ctx('key-a', 3));
    expect(sleeps).toEqual([injector.plan('create_pr', 'key-a', 3).delayMs]);
  });

  it('really waits for a small real delay without blocking the event loop', async () => {
    const injector = new FaultInjector({ stages: { create_pr: { latency: { kind: 'fixed', ms: 20 } } } });
    const wrapped = withFaults(new FakePublisher(), 'create_pr', injector);
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 1);
    const started = performance.now();
    await wrapped.publish('x', ctx('k'));
    clearInterval(ticker);
    expect(performance.now() - started).toBeGreaterThanOrEqual(18);
    expect(ticks).toBeGreaterThan(0);
  });

  it('schedules no timer for zero-delay plans', async () => {
    const injector = new FaultInjector({ stages: { create_pr: { latency: { kind: 'fixed', ms: 0 } } } });
    const { sleeps, sleep } = fakeSleep();
    const wrapped = withFaults(new FakePublisher(), 'create_pr', injector, { sleep });
    await wrapped.publish('x', ctx('k'));
    expect(sleeps).toEqual([]);
    expect(injector.counters().create_pr.latency).toBe(0);
  });

  it.each([
    ['transient', 'TFX_TRANSIENT', 'transient', undefined],
    ['throttle', 'TFX_THROTTLED', 'throttled', 2500],
    ['timeout', 'TFX_TIMEOUT', 'transient', undefined],
    ['permanent', 'TFX_PERMANENT', 'permanent', undefined],
  ] as const)('a %s fault throws %s (%s)', async (kind, code, category, retryAfterMs) => {
    const injector = new FaultInjector(only(kind));
    const { sleeps, sleep } = fakeSleep();
    const port = new FakePublisher();
    const wrapped = withFaults(port, 'create_pr', injector, { sleep });
    const error = await thrown(wrapped.publish('x', ctx('k')));
    expect(error.code).toBe(code);
    expect(error.category).toBe(category);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(error.message).toBe(`injected ${kind} fault at create_pr`);
    expect(port.calls).toEqual([]);
    expect(sleeps).toEqual(kind === 'timeout' ? [1234] : []);
  });

  it('counts exactly the faults it threw', async () => {
    const injector = new FaultInjector({
      seed: 5,
      stages: { bedrock_inference: { transient: 0.2, throttle: 0.1, timeout: 0.05, permanent: 0.15 } },
    });
    const { sleep } = fakeSleep();
    const seen: [ExternalStage, FaultKind][] = [];
    const wrapped = withFaults(new FakePublisher(), 'bedrock_inference', injector, {
      sleep,
      onInjected: (stage, kind) => seen.push([stage, kind]),
    });
    const thrownCodes: Record<string, number> = {};
    let succeeded = 0;
    for (let i = 0; i < 2_000; i++) {
      try {
        await wrapped.publish('x', ctx(`key-${i}`));
        succeeded += 1;
      } catch (error) {
        const code = (error as TerraFixError).code;
        thrownCodes[code] = (thrownCodes[code] ?? 0) + 1;
      }
    }
    const counts = injector.counters().bedrock_inference;
    expect(thrownCodes).toEqual({
      TFX_TRANSIENT: counts.transient,
      TFX_THROTTLED: counts.throttle,
      TFX_TIMEOUT: counts.timeout,
      TFX_PERMANENT: counts.permanent,
    });
    expect(seen.length).toBe(2_000 - succeeded);
    expect(seen.filter(([, kind]) => kind === 'throttle').length).toBe(counts.throttle);
    expect(succeeded / 2_000).toBeGreaterThan(0.45);
    expect(succeeded / 2_000).toBeLessThan(0.55);
  });

  it('passes straight through when the stage has no profile, and follows later reconfiguration', async () => {
    const injector = new FaultInjector({ stages: { clone_repo: { permanent: 1 } } });
    const { sleeps, sleep } = fakeSleep();
    const wrapped = withFaults(new FakePublisher(), 'create_pr', injector, { sleep });
    await expect(wrapped.publish('x', ctx('k'))).resolves.toBe('pr:x');
    injector.configure(only('permanent'));
    expect((await thrown(wrapped.publish('x', ctx('k')))).code).toBe('TFX_PERMANENT');
    injector.configure({});
    await expect(wrapped.publish('y', ctx('k'))).resolves.toBe('pr:y');
    expect(sleeps).toEqual([]);
  });

  it('preserves this, fields, getters and instanceof; methods without a CallContext are not injected', async () => {
    const injector = new FaultInjector(only('permanent'));
    const port = new FakePublisher();
    const wrapped = withFaults(port, 'create_pr', injector);
    expect(wrapped).toBeInstanceOf(FakePublisher);
    expect(wrapped.label).toBe('fake');
    expect(wrapped.describe()).toBe('fake with 0 calls');
    injector.configure({});
    await wrapped.publish('x', ctx('k'));
    expect(wrapped.calls).toEqual(['x']);
    expect(wrapped.describe()).toBe('fake with 1 calls');
  });

  it('wraps plain-object and frozen ports too', async () => {
    const injector = new FaultInjector(only('transient'));
    const port = Object.freeze({
      confirm: (_f: unknown, _c: CallContext) => Promise.resolve({ stillFailing: true }),
    });
    const wrapped = withFaults(port, 'create_pr', injector);
    expect((await thrown(wrapped.confirm({}, ctx('k')))).code).toBe('TFX_TRANSIENT');
    injector.configure({});
    await expect(wrapped.confirm({}, ctx('k'))).resolves.toEqual({ stillFailing: true });
  });

  it('aborts an injected delay through ctx.signal without calling the port', async () => {
    const injector = new FaultInjector({ stages: { create_pr: { latency: { kind: 'fixed', ms: 60_000 } } } });
    const port = new FakePublisher();
    const wrapped = withFaults(port, 'create_pr', injector);
    const controller = new AbortController();
    const pending = wrapped.publish('x', ctx('k', 1, controller.signal));
    setTimeout(() => controller.abort(new Error('shutting down')), 5);
    const started = performance.now();
    await expect(pending).rejects.toThrow('shutting down');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(port.calls).toEqual([]);
    expect(injector.counters().create_pr.latency).toBe(0);
  });

  it('aborts an injected timeout hang without counting a timeout', async () => {
    const injector = new FaultInjector({ stages: { create_pr: { timeout: 1, timeoutMs: 60_000 } } });
    const wrapped = withFaults(new FakePublisher(), 'create_pr', injector);
    const controller = new AbortController();
    const pending = wrapped.publish('x', ctx('k', 1, controller.signal));
    setTimeout(() => controller.abort(new Error('deadline')), 5);
    await expect(pending).rejects.toThrow('deadline');
    expect(injector.counters().create_pr.timeout).toBe(0);
  });
});
