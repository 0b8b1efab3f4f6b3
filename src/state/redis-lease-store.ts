/**
 * LeaseStore on Redis: one key holding `holder|token` with a PX expiry, set and checked by Lua scripts so that
 * take, renew and release are atomic across replicas. Tokens come from INCR on a counter that never expires.
 */
import type { Redis } from 'ioredis';
import { TerraFixError } from '../pipeline/errors.js';
import type { LeaseStore } from './lease-store.js';
import { leaseKeys, type LeaseKeys } from './redis-keys.js';

const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  if string.sub(cur, 1, sep - 1) ~= ARGV[1] then return -1 end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(string.sub(cur, sep + 1))
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token
`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisLeaseStore implements LeaseStore {
  readonly #keys: LeaseKeys;

  /** `client` stays the caller's (not closed here). */
  constructor(
    private readonly client: Redis,
    keyPrefix?: string,
  ) {
    this.#keys = leaseKeys(keyPrefix);
  }

  async acquire(holder: string, ttlMs: number): Promise<number | undefined> {
    const token = Number(await this.#eval(ACQUIRE, 2, this.#keys.lease, this.#keys.fence, holder, ttlMs));
    return token > 0 ? token : undefined;
  }

  async renew(holder: string, token: number, ttlMs: number): Promise<boolean> {
    return Number(await this.#eval(RENEW, 1, this.#keys.lease, `${holder}|${token}`, ttlMs)) === 1;
  }

  async release(holder: string, token: number): Promise<void> {
    await this.#eval(RELEASE, 1, this.#keys.lease, `${holder}|${token}`);
  }

  async current(): Promise<{ holder: string; token: number } | undefined> {
    const raw = await this.#call(() => this.client.get(this.#keys.lease));
    if (raw === null) return undefined;
    const sep = raw.lastIndexOf('|');
    return { holder: raw.slice(0, sep), token: Number(raw.slice(sep + 1)) };
  }

  #eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown> {
    return this.#call(() => this.client.eval(script, keys, ...args));
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new TerraFixError('TFX_STATE_STORE', 'Redis lease operation failed', {
        category: 'transient',
        cause: error,
      });
    }
  }
}
