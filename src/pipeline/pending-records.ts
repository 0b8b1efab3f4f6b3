import type { Logger } from 'pino';
import type { StateStore } from './state-store.js';

/**
 * Records of published pull requests that the state store could not take within its deadline. They are held here
 * and written as soon as the store answers again (a retry every `intervalMs`, and at close), so a PR that exists is
 * never forgotten; meanwhile `has(key)` keeps a resubmission of the failure from opening a second one.
 * Left out: persistence across a restart (a crash loses what is held; the PR branch lookup still reuses the PR).
 */
export class PendingRecords {
  readonly #records = new Map<string, { pr_url: string }>();
  readonly #state: StateStore;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;

  constructor(state: StateStore, logger: Logger, intervalMs = 5_000) {
    this.#state = state;
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  get size(): number {
    return this.#records.size;
  }

  has(key: string): boolean {
    return this.#records.has(key);
  }

  /** Holds `key`'s completion until the store takes it. */
  hold(key: string, record: { pr_url: string }): void {
    this.#records.set(key, record);
    this.#logger.warn(
      { key, held: this.#records.size },
      'State store unreachable; PR record held until it is back',
    );
    this.#schedule();
  }

  /** Tries to write every held record once; keeps what still fails. */
  flush(): Promise<void> {
    this.#flushing ??= (async () => {
      for (const [key, record] of [...this.#records]) {
        try {
          await this.#state.complete(key, record);
          this.#records.delete(key);
          this.#logger.info({ key }, 'Held PR record written');
        } catch {
          break; // still unreachable: the next round tries again
        }
      }
    })().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** One last write attempt, then stops retrying (what is still held is logged, not lost silently). */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    if (this.#records.size > 0)
      this.#logger.error({ keys: [...this.#records.keys()] }, 'PR records not written before shutdown');
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush().then(() => {
        if (this.#records.size > 0) this.#schedule();
      });
    }, this.#intervalMs);
    this.#timer.unref();
  }
}
