/**
 * The Vanta token the replicas share, in Redis under the service's prefix (the Vanta adapter's SharedTokenStore
 * shape): one JSON key expiring when the token should be renewed, and a mint lock taken with SET NX PX and given
 * back only by its owner. The key names the application by a hash of its client id, so a changed VANTA_CLIENT_ID
 * never picks up another application's token.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { vantaTokenKeys, type VantaTokenKeys } from './redis-keys.js';

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisVantaTokenStore {
  readonly #keys: VantaTokenKeys;
  readonly #owner = randomBytes(8).toString('hex');

  /** `client` stays the caller's (not closed here). */
  constructor(
    private readonly client: Redis,
    prefix: string,
    clientId: string,
    private readonly now: () => number = Date.now,
  ) {
    const app = createHash('sha256').update(clientId).digest('hex').slice(0, 16);
    this.#keys = vantaTokenKeys(prefix, app);
  }

  async read(): Promise<{ value: string; renewAt: number } | undefined> {
    const raw = await this.client.get(this.#keys.token);
    if (raw === null) return undefined;
    try {
      const parsed = JSON.parse(raw) as { value?: unknown; renewAt?: unknown };
      return typeof parsed.value === 'string' && typeof parsed.renewAt === 'number'
        ? { value: parsed.value, renewAt: parsed.renewAt }
        : undefined;
    } catch {
      return undefined; // unreadable: minted afresh and overwritten
    }
  }

  async write(token: { value: string; renewAt: number }): Promise<void> {
    const ttlMs = Math.floor(token.renewAt - this.now());
    if (ttlMs <= 0) return;
    await this.client.set(this.#keys.token, JSON.stringify(token), 'PX', ttlMs);
  }

  async lock(ttlMs: number): Promise<boolean> {
    return (await this.client.set(this.#keys.mint, this.#owner, 'PX', Math.max(1, ttlMs), 'NX')) === 'OK';
  }

  async unlock(): Promise<void> {
    await this.client.eval(UNLOCK, 1, this.#keys.mint, this.#owner);
  }
}
