/**
 * The PR ledger on Redis, shared by replicas: which TerraFix PRs are open (per repository, for
 * TERRAFIX_MAX_OPEN_PRS), how many were created in the last hour (TERRAFIX_MAX_PRS_PER_HOUR), and what each open
 * PR is (for closing the loop). A job reserves a place before it runs the pipeline (atomic check-and-add in Lua),
 * then confirms it (a PR was opened or reused) or cancels it (nothing was opened). A failure that already holds a
 * place (its PR is open) reserves without counting again.
 */
import type { Redis } from 'ioredis';
import { TerraFixError } from '../pipeline/errors.js';
import { prLedgerKeys, type PrLedgerKeys } from './redis-keys.js';

const HOUR_MS = 3_600_000;

/** KEYS: open set, created zset. ARGV: key, now, max open, max per hour. {1, fresh} or {0, wait ms (-1: open cap)}. */
const RESERVE = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {1, 0} end
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ${HOUR_MS})
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return {0, -1} end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + ${HOUR_MS} - now)}
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], now, ARGV[1])
return {1, 1}
`;

export interface PrCaps {
  maxOpenPrsPerRepo: number;
  maxPrsPerHour: number;
}

export type Reservation =
  | { ok: true; fresh: boolean }
  /** `cap` says which cap held it back; waitMs is known for the hourly cap only. */
  | { ok: false; cap: 'open_per_repo' | 'per_hour'; waitMs: number | undefined };

/** One open TerraFix PR, as the ledger keeps it. */
export interface LedgerEntry {
  key: string;
  repo: string;
  number: number;
  url: string;
  test_id: string;
  resource_arn: string;
  /** When the failure was first reported (the record's failed_at), for time to merge. */
  failed_at: string;
  opened_at: string;
}

export class RedisPrLedger {
  readonly #keys: PrLedgerKeys;

  constructor(
    private readonly client: Redis,
    keyPrefix?: string,
  ) {
    this.#keys = prLedgerKeys(keyPrefix);
  }

  async reserve(repo: string, key: string, caps: PrCaps, now = Date.now()): Promise<Reservation> {
    const reply = (await this.#call(() =>
      this.client.eval(
        RESERVE,
        2,
        this.#keys.open(repo),
        this.#keys.created,
        key,
        now,
        caps.maxOpenPrsPerRepo,
        caps.maxPrsPerHour,
      ),
    )) as [number, number];
    const [ok, detail] = reply;
    if (ok === 1) return { ok: true, fresh: detail === 1 };
    return detail < 0
      ? { ok: false, cap: 'open_per_repo', waitMs: undefined }
      : { ok: false, cap: 'per_hour', waitMs: detail };
  }

  /** The reserved place holds an open PR now; `created` is false for a reused PR (not counted in the hour). */
  async confirm(entry: LedgerEntry, created: boolean): Promise<void> {
    await this.#call(async () => {
      const multi = this.client
        .multi()
        .sadd(this.#keys.open(entry.repo), entry.key)
        .hset(this.#keys.ledger, entry.key, JSON.stringify(entry));
      if (!created) multi.zrem(this.#keys.created, entry.key);
      await multi.exec();
    });
  }

  /** Nothing was opened: gives a fresh reservation back. */
  async cancel(repo: string, key: string): Promise<void> {
    await this.#call(() =>
      this.client.multi().srem(this.#keys.open(repo), key).zrem(this.#keys.created, key).exec(),
    );
  }

  /** The PR is merged or closed: its place is free. */
  async settle(entry: Pick<LedgerEntry, 'repo' | 'key'>): Promise<void> {
    await this.#call(() =>
      this.client
        .multi()
        .srem(this.#keys.open(entry.repo), entry.key)
        .hdel(this.#keys.ledger, entry.key)
        .exec(),
    );
  }

  /** Every open PR the ledger knows. */
  async entries(): Promise<LedgerEntry[]> {
    const all = await this.#call(() => this.client.hgetall(this.#keys.ledger));
    return Object.values(all).flatMap((raw) => {
      try {
        return [JSON.parse(raw) as LedgerEntry];
      } catch {
        return [];
      }
    });
  }

  /** Open (or being opened) PRs in `repo`. */
  openCount(repo: string): Promise<number> {
    return this.#call(() => this.client.scard(this.#keys.open(repo)));
  }

  /** PRs created in the hour before `now`. */
  createdLastHour(now = Date.now()): Promise<number> {
    return this.#call(() => this.client.zcount(this.#keys.created, now - HOUR_MS, '+inf'));
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new TerraFixError('TFX_STATE_STORE', 'Redis PR ledger operation failed', {
        category: 'transient',
        cause: error,
      });
    }
  }
}
