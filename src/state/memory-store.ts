/**
 * Single-process StateStore. Claims are atomic because each call decides and writes within one synchronous turn.
 * Expired records are dropped when touched and by a periodic, unref'd sweep, so memory stays bounded.
 */
import { decideClaim } from './claim-rules.js';
import type {
  ClaimResult,
  FailureState,
  Resolution,
  StateStore,
  StateStoreOptions,
  StoreStats,
} from '../pipeline/state-store.js';
import {
  applySettle,
  completion,
  failure,
  inProgressTtlSeconds,
  isCleanable,
  resolution,
  toPublicState,
  validateStoreOptions,
  type SettleChange,
  type StoredFailureState,
} from './record.js';

export interface MemoryStateStoreOptions extends StateStoreOptions {
  /** Clock in epoch ms; injectable so tests can expire leases and retention without sleeping. */
  now?: () => number;
  /** How often expired records are swept; 0 disables the timer (records still expire when touched). */
  sweepIntervalMs?: number;
  /**
   * Most records held (default 100,000). Beyond it the oldest settled record is forgotten, as an LRU cache would:
   * memory stays bounded under sustained unique load. Replicas and long retention need Redis.
   */
  maxEntries?: number;
}

interface Entry {
  state: StoredFailureState;
  /** Retention end in epoch ms (the Redis key's TTL). */
  expiresAt: number;
}

export class MemoryStateStore implements StateStore {
  readonly #records = new Map<string, Entry>();
  readonly #options: StateStoreOptions;
  readonly #now: () => number;
  readonly #maxEntries: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryStateStoreOptions) {
    validateStoreOptions(options);
    this.#options = {
      retentionSeconds: options.retentionSeconds,
      claimLeaseSeconds: options.claimLeaseSeconds,
      maxAttempts: options.maxAttempts,
    };
    this.#now = options.now ?? Date.now;
    this.#maxEntries = Math.max(1, options.maxEntries ?? 25_000);
    const interval = options.sweepIntervalMs ?? 60_000;
    if (interval > 0) {
      this.#timer = setInterval(() => this.sweep(), interval);
      this.#timer.unref(); // the sweep must never keep the process alive
    }
  }

  /** Number of records held, expired ones included until swept (for tests and gauges). */
  get size(): number {
    return this.#records.size;
  }

  /** Drops every expired record now; returns how many were dropped. */
  sweep(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [key, entry] of this.#records) {
      if (entry.expiresAt <= now) {
        this.#records.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  claim(
    key: string,
    meta: { test_id: string; resource_arn: string },
    options: { takeOver?: boolean } = {},
  ): Promise<ClaimResult> {
    const now = this.#now();
    const decision = decideClaim(
      this.#live(key, now)?.state,
      now,
      this.#options.maxAttempts,
      options.takeOver === true,
    );
    if (decision.claimed) {
      const iso = new Date(now).toISOString();
      const state: StoredFailureState = {
        status: 'in_progress',
        test_id: meta.test_id,
        resource_arn: meta.resource_arn,
        claimed_at: iso,
        updated_at: iso,
        attempts: decision.attempts,
        lease_until: now + this.#options.claimLeaseSeconds * 1000,
      };
      this.#records.set(key, { state, expiresAt: now + inProgressTtlSeconds(this.#options) * 1000 });
      if (this.#records.size > this.#maxEntries) this.#evictOldestSettled();
    }
    return Promise.resolve(decision);
  }

  complete(key: string, result: { pr_url: string }): Promise<void> {
    this.#settle(key, (iso) => completion(result.pr_url, iso));
    return Promise.resolve();
  }

  fail(key: string, error: { code: string; message: string; retryable: boolean }): Promise<void> {
    this.#settle(key, (iso) => failure(error, iso));
    return Promise.resolve();
  }

  resolve(key: string, how: Resolution): Promise<void> {
    this.#settle(key, (iso) => resolution(how, iso));
    return Promise.resolve();
  }

  cleanup(olderThanMs: number): Promise<number> {
    let deleted = 0;
    for (const [key, entry] of this.#records) {
      if (isCleanable(entry.state, olderThanMs)) {
        this.#records.delete(key);
        deleted += 1;
      }
    }
    return Promise.resolve(deleted);
  }

  get(key: string): Promise<FailureState | undefined> {
    const entry = this.#live(key, this.#now());
    // A copy, so a caller cannot change the stored record behind the store's back.
    return Promise.resolve(entry === undefined ? undefined : toPublicState({ ...entry.state }));
  }

  stats(): Promise<StoreStats> {
    this.sweep();
    const stats: StoreStats = { pending: 0, in_progress: 0, completed: 0, failed: 0, resolved: 0, total: 0 };
    for (const { state } of this.#records.values()) {
      stats[state.status] += 1;
      stats.total += 1;
    }
    return Promise.resolve(stats);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.#records.clear();
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    return Promise.resolve();
  }

  /** Forgets the oldest completed or failed record; claims in progress are never evicted (dedup depends on them). */
  #evictOldestSettled(): void {
    for (const [key, entry] of this.#records) {
      if (entry.state.status !== 'in_progress') {
        this.#records.delete(key);
        return;
      }
    }
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#records.get(key);
    if (entry !== undefined && entry.expiresAt <= now) {
      this.#records.delete(key);
      return undefined;
    }
    return entry;
  }

  #settle(key: string, change: (nowIso: string) => SettleChange): void {
    const now = this.#now();
    const iso = new Date(now).toISOString();
    const state = applySettle(this.#live(key, now)?.state, change(iso), iso);
    this.#records.set(key, { state, expiresAt: now + this.#options.retentionSeconds * 1000 });
  }
}
