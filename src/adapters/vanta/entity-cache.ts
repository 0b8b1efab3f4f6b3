/**
 * Recently read failing-entity lists, per test. `confirm` asks "is this entity still failing?" and Vanta can only
 * answer with the whole (paged) list of a test's failing entities: without sharing, N failures of one test would
 * list it N times against a 50 requests/minute budget. So concurrent loads of one test share one listing, and a
 * listing (the poller's too) answers for `maxAgeMs`. Bounded: the oldest test is dropped past `maxTests`.
 */
import { untilAborted } from './abort.js';
import type { Clock } from './rate-limiter.js';
import type { VantaEntity } from './wire.js';

export class FailingEntityCache {
  readonly #lists = new Map<string, { at: number; entities: readonly VantaEntity[] }>();
  readonly #loading = new Map<string, Promise<readonly VantaEntity[]>>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly clock: Clock,
    private readonly maxTests = 1_000,
  ) {}

  /** Records a complete listing of a test's failing entities (read at `clock.now()`). */
  remember(testId: string, entities: readonly VantaEntity[]): void {
    if (this.maxAgeMs <= 0) return;
    this.#lists.delete(testId);
    this.#lists.set(testId, { at: this.clock.now(), entities });
    if (this.#lists.size > this.maxTests) {
      const oldest = this.#lists.keys().next().value;
      if (oldest !== undefined) this.#lists.delete(oldest);
    }
  }

  /** A listing no older than maxAgeMs, else the one in flight, else a new one from `load` (shared by callers). */
  get(
    testId: string,
    load: () => Promise<readonly VantaEntity[]>,
    signal?: AbortSignal,
  ): Promise<readonly VantaEntity[]> {
    const held = this.#lists.get(testId);
    if (held !== undefined && this.clock.now() - held.at < this.maxAgeMs)
      return Promise.resolve(held.entities);
    let loading = this.#loading.get(testId);
    if (loading === undefined) {
      loading = load()
        .then((entities) => {
          this.remember(testId, entities);
          return entities;
        })
        .finally(() => this.#loading.delete(testId));
      this.#loading.set(testId, loading);
    }
    return untilAborted(loading, signal);
  }
}
