/**
 * StateStore on Redis, shared by replicas. Each record is one JSON string key written with `SET ... EX`; claim and
 * settle run as Lua scripts so read-decide-write is atomic. ioredis errors are translated here, at the edge, into
 * TerraFixError('TFX_STATE_STORE', transient) with the original as cause; the URL (and its password) never appears.
 */
import { Redis } from 'ioredis';
import { TerraFixError } from '../pipeline/errors.js';
import type {
  ClaimResult,
  FailureState,
  FailureStatus,
  Resolution,
  StateStore,
  StateStoreOptions,
  StoreStats,
} from '../pipeline/state-store.js';
import {
  completion,
  failure,
  inProgressTtlSeconds,
  isCleanable,
  parseStoredState,
  resolution,
  settleDefaults,
  toPublicState,
  validateStoreOptions,
  type SettleChange,
} from './record.js';
import { stateKeys, type StateKeys } from './redis-keys.js';
import { CLAIM_SCRIPT, SETTLE_SCRIPT } from './redis-scripts.js';

export interface RedisStateStoreOptions extends StateStoreOptions {
  /** A redis:// URL (the store owns the connection and closes it) or an existing client (left open on close). */
  redis: string | Redis;
  /** Key namespace, default `terrafix:`. */
  keyPrefix?: string;
  /** Clock in epoch ms used for timestamps and leases; injectable so lease tests need not sleep. */
  now?: () => number;
  /** Fails a connection attempt after this long (default 2,000 ms). Only used when a URL is given. */
  connectTimeoutMs?: number;
  /** Fails a command that got no reply after this long (default 5,000 ms). Only used when a URL is given. */
  commandTimeoutMs?: number;
}

const SCAN_COUNT = 500;
const CLAIM_COMMAND = 'terrafixStateClaim';
const SETTLE_COMMAND = 'terrafixStateSettle';

type ScriptCommand = (key: string, ...args: (string | number)[]) => Promise<unknown>;

export class RedisStateStore implements StateStore {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #keys: StateKeys;
  readonly #options: StateStoreOptions;
  readonly #now: () => number;

  constructor(options: RedisStateStoreOptions) {
    validateStoreOptions(options);
    this.#options = {
      retentionSeconds: options.retentionSeconds,
      claimLeaseSeconds: options.claimLeaseSeconds,
      maxAttempts: options.maxAttempts,
    };
    this.#keys = stateKeys(options.keyPrefix);
    this.#now = options.now ?? Date.now;
    if (typeof options.redis === 'string') {
      this.#client = new Redis(options.redis, {
        lazyConnect: true, // constructing the store never touches the network
        maxRetriesPerRequest: 1, // an outage fails the call fast instead of queueing it indefinitely
        connectTimeout: options.connectTimeoutMs ?? 2_000,
        commandTimeout: options.commandTimeoutMs ?? 5_000,
      });
      // Failures surface through the rejected commands; without a listener ioredis prints them (with the host).
      this.#client.on('error', () => undefined);
      this.#ownsClient = true;
    } else {
      this.#client = options.redis;
      this.#ownsClient = false;
    }
    this.#client.defineCommand(CLAIM_COMMAND, { numberOfKeys: 1, lua: CLAIM_SCRIPT });
    this.#client.defineCommand(SETTLE_COMMAND, { numberOfKeys: 1, lua: SETTLE_SCRIPT });
  }

  async claim(
    key: string,
    meta: { test_id: string; resource_arn: string },
    options: { takeOver?: boolean } = {},
  ): Promise<ClaimResult> {
    const now = this.#now();
    const reply = await this.#call(() =>
      this.#script(CLAIM_COMMAND)(
        this.#keys.failure(key),
        now,
        new Date(now).toISOString(),
        Math.round(this.#options.claimLeaseSeconds * 1000),
        inProgressTtlSeconds(this.#options),
        this.#options.maxAttempts,
        meta.test_id,
        meta.resource_arn,
        options.takeOver === true ? 1 : 0,
      ),
    );
    return parseClaimReply(reply);
  }

  async complete(key: string, result: { pr_url: string }): Promise<void> {
    await this.#settle(key, (iso) => completion(result.pr_url, iso));
  }

  async fail(key: string, error: { code: string; message: string; retryable: boolean }): Promise<void> {
    await this.#settle(key, (iso) => failure(error, iso));
  }

  async resolve(key: string, how: Resolution): Promise<void> {
    await this.#settle(key, (iso) => resolution(how, iso));
  }

  /** Deletes settled records updated before the cutoff (SCAN, then a compare-and-delete per page). */
  async cleanup(olderThanMs: number): Promise<number> {
    let deleted = 0;
    await this.#scan(async (keys) => {
      if (keys.length === 0) return;
      const values = await this.#client.mget(keys);
      const doomed = keys.filter((_k, i) => {
        const stored = parseStoredState(values[i]);
        return stored !== undefined && isCleanable(stored, olderThanMs);
      });
      if (doomed.length > 0) deleted += await this.#client.unlink(...doomed);
    });
    return deleted;
  }

  async get(key: string): Promise<FailureState | undefined> {
    const raw = await this.#call(() => this.#client.get(this.#keys.failure(key)));
    const stored = parseStoredState(raw);
    return stored === undefined ? undefined : toPublicState(stored);
  }

  /** Counts stored statuses (an in_progress record whose lease ran out still counts as in_progress). */
  async stats(): Promise<StoreStats> {
    const stats: StoreStats = { pending: 0, in_progress: 0, completed: 0, failed: 0, resolved: 0, total: 0 };
    // SCAN may return a key twice while Redis rehashes; count each once.
    const seen = new Set<string>();
    await this.#scan(async (keys) => {
      const fresh = keys.filter((k) => !seen.has(k));
      for (const k of fresh) seen.add(k);
      if (fresh.length === 0) return;
      const values = await this.#client.mget(fresh);
      for (const raw of values) {
        const status: FailureStatus | undefined = parseStoredState(raw)?.status;
        if (status === undefined) continue; // expired between SCAN and MGET, or unreadable
        stats[status] += 1;
        stats.total += 1;
      }
    });
    return stats;
  }

  async ping(): Promise<void> {
    await this.#call(() => this.#client.ping());
  }

  /** Deletes every record under this store's prefix (and nothing else). */
  async clear(): Promise<void> {
    await this.#scan(async (keys) => {
      if (keys.length > 0) await this.#client.unlink(...keys);
    });
  }

  async close(): Promise<void> {
    if (!this.#ownsClient || this.#client.status === 'end') return;
    if (this.#client.status !== 'ready') {
      this.#client.disconnect(); // never connected or reconnecting: nothing to flush
      return;
    }
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }

  #settle(key: string, change: (nowIso: string) => SettleChange): Promise<unknown> {
    const iso = new Date(this.#now()).toISOString();
    const { set, drop } = change(iso);
    return this.#call(() =>
      this.#script(SETTLE_COMMAND)(
        this.#keys.failure(key),
        JSON.stringify(set),
        JSON.stringify(drop),
        JSON.stringify(settleDefaults(iso)),
        Math.ceil(this.#options.retentionSeconds),
      ),
    );
  }

  #scan(page: (keys: string[]) => Promise<void>): Promise<void> {
    return this.#call(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await this.#client.scan(
          cursor,
          'MATCH',
          this.#keys.failurePattern,
          'COUNT',
          SCAN_COUNT,
        );
        cursor = next;
        await page(keys);
      } while (cursor !== '0');
    });
  }

  #script(name: string): ScriptCommand {
    // defineCommand adds the method at run time; ioredis types cannot know it.
    const command = (this.#client as unknown as Record<string, ScriptCommand | undefined>)[name];
    if (command === undefined) throw new Error(`Redis script ${name} is not defined`);
    return command.bind(this.#client);
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new TerraFixError('TFX_STATE_STORE', 'Redis state store operation failed', {
        category: 'transient',
        cause: error,
      });
    }
  }
}

function parseClaimReply(reply: unknown): ClaimResult {
  if (Array.isArray(reply)) {
    const [flag, second, reason] = reply as unknown[];
    if (flag === 1 && typeof second === 'number') return { claimed: true, attempts: second };
    if (flag === 0 && typeof second === 'string' && typeof reason === 'string') {
      return { claimed: false, status: second, reason } as ClaimResult;
    }
  }
  throw new TerraFixError('TFX_STATE_STORE', 'Redis claim script returned an unexpected reply', {
    category: 'permanent',
  });
}
