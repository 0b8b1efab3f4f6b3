/**
 * The leader's poll cycle: list the failing tests, re-read the entities of the tests whose lastTestRunDate moved
 * (Vanta's advice), skip failures the state store has settled, queue the rest on the shared queue, close the loop
 * for PRs whose resource stopped failing, and run the state cleanup every tenth cycle. A cycle that fails (Vanta
 * still 429/5xx after the client's own retries) is recorded and the next one waits longer: the interval times
 * 2, 4, then 8 at most, back to the plain interval after a good cycle.
 */
import type { Logger } from 'pino';
import { type Failure, failureKey } from '../pipeline/failure.js';
import type { StateStore } from '../pipeline/state-store.js';
import type { Admission } from '../queue/port.js';
import type { LedgerEntry } from '../state/redis-pr-ledger.js';

export interface PolledTest {
  id: string;
  lastTestRunDate?: string | null | undefined;
}

/** The poll side of Vanta (the adapter's VantaReader has this shape). */
export interface PollSource<T extends PolledTest> {
  listFailingTests(signal?: AbortSignal): Promise<T[]>;
  failuresOf(test: T, signal?: AbortSignal): AsyncIterable<Failure> & { readonly complete: boolean };
}

export interface Watermark<T> {
  changed(tests: readonly T[]): T[];
  remember(test: T): void;
  retain(tests: readonly T[]): void;
  forget(): void;
}

export interface LastPoll {
  at: string;
  result: 'ok' | 'error';
  tests: number;
  read: number;
  queued: number;
  skippedSettled: number;
  resolved: number;
  error?: string;
}

export interface PollerDeps<T extends PolledTest> {
  source: PollSource<T>;
  watermark: Watermark<T>;
  state: StateStore;
  submit(failures: Failure[]): Promise<Admission>;
  /** The fencing check: false once another replica leads. */
  stillLeader(): Promise<boolean>;
  /** Closes the loop for ledger entries whose resource no longer fails; returns how many it resolved. */
  resolve(entries: LedgerEntry[]): Promise<number>;
  openPulls(): Promise<LedgerEntry[]>;
  cleanup(): Promise<number>;
  logger: Logger;
  onCycle?: (poll: LastPoll) => void;
}

const CLEANUP_EVERY = 10;

export class Poller<T extends PolledTest> {
  #cycles = 0;
  #errors = 0;
  #last: LastPoll | undefined;

  constructor(private readonly deps: PollerDeps<T>) {}

  get last(): LastPoll | undefined {
    return this.#last;
  }

  get cycles(): number {
    return this.#cycles;
  }

  /** Multiplier of the poll interval before the next cycle (1 after a good cycle, up to 8 after failures). */
  get backoff(): number {
    return this.#errors === 0 ? 1 : Math.min(8, 2 ** this.#errors);
  }

  /**
   * This replica (again) leads: the next cycle reads every test. What an earlier term queued may be gone (Redis
   * restarted without persistence, or another leader's term came in between), and the state store skips what
   * is settled, so re-reading loses nothing and queues nothing twice.
   */
  leading(): void {
    this.deps.watermark.forget();
  }

  /** One cycle; never throws (the result is in `last`). */
  async cycle(signal?: AbortSignal): Promise<LastPoll> {
    const poll: LastPoll = {
      at: new Date().toISOString(),
      result: 'ok',
      tests: 0,
      read: 0,
      queued: 0,
      skippedSettled: 0,
      resolved: 0,
    };
    try {
      await this.#run(poll, signal);
      this.#errors = 0;
    } catch (error) {
      this.#errors += 1;
      poll.result = 'error';
      poll.error = error instanceof Error ? error.message : String(error);
      this.deps.logger.warn({ err: error, backoff: this.backoff }, 'Poll cycle failed');
    }
    this.#cycles += 1;
    if (this.#cycles % CLEANUP_EVERY === 0) await this.#cleanup();
    this.#last = poll;
    this.deps.onCycle?.(poll);
    return poll;
  }

  async #run(poll: LastPoll, signal: AbortSignal | undefined): Promise<void> {
    const { source, watermark, state, logger } = this.deps;
    const tests = await source.listFailingTests(signal);
    poll.tests = tests.length;
    watermark.retain(tests);
    const failing = new Set(tests.map((t) => t.id));
    /** Keys seen failing in tests read completely this cycle; other tests' entries are left as they are. */
    const readTests = new Set<string>();
    const seen = new Set<string>();
    for (const test of watermark.changed(tests)) {
      const failures = source.failuresOf(test, signal);
      const batch: Failure[] = [];
      for await (const failure of failures) {
        poll.read += 1;
        const key = failureKey(failure);
        seen.add(key);
        const record = await state.get(key);
        if (record?.status === 'completed' || (record?.status === 'failed' && record.retryable !== true)) {
          poll.skippedSettled += 1;
          continue;
        }
        batch.push(failure);
      }
      if (!(await this.deps.stillLeader())) {
        logger.warn({ testId: test.id }, 'Lost the leader lease mid-cycle; not queueing');
        return;
      }
      if (batch.length > 0) {
        const admission = await this.deps.submit(batch);
        if (!admission.accepted) {
          // The test is not remembered, so the next cycle reads and queues it again.
          logger.warn({ testId: test.id, reason: admission.reason }, 'Shared queue refused a poll batch');
          continue;
        }
        poll.queued += batch.length;
      }
      if (failures.complete) {
        watermark.remember(test);
        readTests.add(test.id);
      }
    }
    const open = await this.deps.openPulls();
    const stopped = open.filter(
      (e) => !failing.has(e.test_id) || (readTests.has(e.test_id) && !seen.has(e.key)),
    );
    if (stopped.length > 0) poll.resolved = await this.deps.resolve(stopped);
  }

  async #cleanup(): Promise<void> {
    try {
      const deleted = await this.deps.cleanup();
      this.deps.logger.info({ deleted }, 'State cleanup ran');
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'State cleanup failed');
    }
  }
}
