/** Helpers of the Vanta adapter tests: virtual time, captured logs, fake data and a client wired to a fake. */
import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { createVanta, type Vanta, type VantaSettings } from '../../../src/adapters/vanta/index.js';
import { noopVantaObserver, type VantaObserver } from '../../../src/adapters/vanta/observer.js';
import { parseSeverityMap } from '../../../src/adapters/vanta/severity.js';
import { createLogger, type Logger } from '../../../src/observability/logger.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/pipeline/retry.js';
import { fakeVantaData, type FakeVantaData, type FakeVantaDataInput } from '../../fakes/vanta/data.js';
import { type FakeVanta, type FakeVantaOptions, startFakeVanta } from '../../fakes/vanta/server.js';

/** Recognisable credentials: a test greps every log line and error for them. */
export const CLIENT_ID = 'vci_terrafixtestclient01';
export const CLIENT_SECRET = 'vcs_SECRET_terrafix_do_not_leak_0123456789';

/**
 * Virtual time: `sleep` registers a timer and resolves it when virtual time reaches it. Timers fire one per
 * macrotask turn in due order, advancing the clock to each, so waits cost no real time and their order is exact.
 */
export class VirtualTime {
  nowMs = Date.parse('2026-01-05T12:00:00.000Z');
  readonly sleeps: number[] = [];
  readonly #timers: { due: number; seq: number; resolve: () => void }[] = [];
  #seq = 0;
  #scheduled = false;

  readonly now = (): number => this.nowMs;
  readonly clock = { now: this.now };

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve) => {
      this.#timers.push({ due: this.nowMs + ms, seq: this.#seq++, resolve });
      this.#schedule();
    });
  };

  /** Moves time forward without waiting for anything. */
  advance(ms: number): void {
    this.nowMs += ms;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const next = this.#timers.shift();
      if (next === undefined) return;
      this.nowMs = Math.max(this.nowMs, next.due);
      next.resolve();
      if (this.#timers.length > 0) this.#schedule();
    });
  }
}

/** A pino logger at `debug` writing into `lines` (through the product's redaction). */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  return { logger: createLogger('debug', stream), lines };
}

/** A test in NEEDS_ATTENTION with `n` failing S3 bucket entities (`<prefix>-bucket-<i>`). */
export function bucketTest(id: string, n: number, extra: Partial<FakeVantaDataInput['tests'][number]> = {}) {
  return {
    test: {
      id,
      name: `Test ${id}`,
      status: 'NEEDS_ATTENTION' as const,
      failureDescription: `Some buckets fail ${id}`,
      remediationDescription: `Fix the buckets of ${id}`,
      ...extra,
    },
    entities: Array.from({ length: n }, (_, i) => ({
      id: `${id.replace(/[^a-z0-9]/g, '').slice(0, 8)}${String(i).padStart(16, '0')}`,
      displayName: `${id.replace(/[^a-z0-9-]/g, '').slice(0, 20)}-bucket-${i}`,
      responseType: 'AWS S3 bucket',
    })),
  };
}

/** Fake data from tests with their entities, with the recognisable application. */
export function dataOf(...items: ReturnType<typeof bucketTest>[]): FakeVantaData {
  return fakeVantaData({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    tests: items.map((i) => i.test),
    entities: Object.fromEntries(items.map((i) => [i.test.id, i.entities])),
  });
}

const fakes: FakeVanta[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** A fake Vanta closed after the test. */
export async function fake(options: FakeVantaOptions): Promise<FakeVanta> {
  const started = await startFakeVanta(options);
  fakes.push(started);
  return started;
}

export function settings(baseUrl: string, patch: Partial<VantaSettings> = {}): VantaSettings {
  return {
    baseUrl,
    auth: { kind: 'client_credentials', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    filters: {},
    rateLimitPerMinute: 1_000,
    timeoutMs: 5_000,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 },
    severities: parseSeverityMap(undefined, 'medium').map,
    controls: new Map(),
    confirmCacheMs: 60_000,
    framework: 'Vanta',
    ...patch,
  };
}

/** The adapter against `fake`, on `time`, with captured logs; `random` 1 makes backoff its ceiling. */
export function vantaFor(
  fakeVanta: FakeVanta,
  time: VirtualTime,
  patch: Partial<VantaSettings> = {},
  extra: { pageSize?: number; observer?: VantaObserver } = {},
): Vanta & { lines: string[] } {
  const { logger, lines } = capturedLogger();
  const vanta = createVanta(settings(fakeVanta.url, patch), {
    logger,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 1,
    observer: extra.observer ?? noopVantaObserver,
    ...(extra.pageSize === undefined ? {} : { pageSize: extra.pageSize }),
  });
  return { ...vanta, lines };
}

/** An observer that counts what it is told. */
export function countingObserver(): VantaObserver & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const bump = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  return {
    counts,
    requestFinished: (endpoint, status) => bump(`request:${endpoint}:${status}`),
    retried: (endpoint, code) => bump(`retry:${endpoint}:${code}`),
    tokenMinted: () => bump('mint'),
    tokenRejected: () => bump('rejected'),
    skipped: (reason) => bump(`skipped:${reason}`),
  };
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
