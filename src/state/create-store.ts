/** Picks the state store for an entry point: Redis when a URL is configured, memory otherwise. */
import { MemoryStateStore } from './memory-store.js';
import type { StateStore, StateStoreOptions } from '../pipeline/state-store.js';
import { RedisStateStore } from './redis-store.js';

export interface CreateStateStoreOptions extends StateStoreOptions {
  redisUrl?: string | undefined;
  keyPrefix?: string | undefined;
  now?: (() => number) | undefined;
  /** Memory store only: most records held (see MemoryStateStoreOptions.maxEntries). */
  memoryMaxEntries?: number | undefined;
}

/** Returns a RedisStateStore for `redisUrl` (lazily connected), or a MemoryStateStore when none is given. */
export function createStateStore(opts: CreateStateStoreOptions): StateStore {
  const options: StateStoreOptions & { now?: () => number } = {
    retentionSeconds: opts.retentionSeconds,
    claimLeaseSeconds: opts.claimLeaseSeconds,
    maxAttempts: opts.maxAttempts,
    ...(opts.now === undefined ? {} : { now: opts.now }),
  };
  if (opts.redisUrl === undefined || opts.redisUrl === '') {
    return new MemoryStateStore({
      ...options,
      ...(opts.memoryMaxEntries === undefined ? {} : { maxEntries: opts.memoryMaxEntries }),
    });
  }
  return new RedisStateStore({
    ...options,
    redis: opts.redisUrl,
    ...(opts.keyPrefix === undefined ? {} : { keyPrefix: opts.keyPrefix }),
  });
}
