/**
 * One Vanta token for every replica. Vanta keeps one active token per application, so replicas that each mint
 * revoke each other's tokens (and soon hit the 5 mints a minute). With a shared store (Redis, under the service's
 * key prefix) a replica first reads the token another one minted; only the holder of a short mint lock mints,
 * and the others wait for its token. While the store is unreachable a replica mints on its own, as before.
 * Left out: the token's value never leaves the store and this module (no logs, no errors).
 */
import type { Logger } from 'pino';
import type { Sleep } from '../../pipeline/retry.js';

export interface SharedToken {
  value: string;
  /** Epoch ms after which nobody should use it (renewed a little before Vanta's expiry). */
  renewAt: number;
}

/** Where replicas share the token; every method may reject while the store is unreachable. */
export interface SharedTokenStore {
  read(): Promise<SharedToken | undefined>;
  /** Shares `token` until its `renewAt`. */
  write(token: SharedToken): Promise<void>;
  /** Takes the right to mint for `ttlMs`; false while another replica holds it. */
  lock(ttlMs: number): Promise<boolean>;
  /** Gives the right to mint back (only if this replica still holds it). */
  unlock(): Promise<void>;
}

export interface ObtainOptions {
  /** One token request to Vanta. */
  mint(): Promise<SharedToken>;
  now(): number;
  sleep: Sleep;
  /** A token Vanta just refused: never adopted from the store. */
  rejected?: string | undefined;
  /** How long one mint may take; the lock lasts this long and others wait at most this long. */
  waitMs: number;
  logger: Logger;
}

const AWAY = Symbol('store unreachable');
const POLL_MS = 100;

/** The shared token if a usable one is there, else one minted by whichever replica takes the lock. */
export async function obtainShared(store: SharedTokenStore, o: ObtainOptions): Promise<SharedToken> {
  const usable = (t: SharedToken | undefined | typeof AWAY): t is SharedToken =>
    t !== undefined && t !== AWAY && t.value !== o.rejected && o.now() < t.renewAt;
  const safely = <T>(op: () => Promise<T>): Promise<T | typeof AWAY> =>
    op().catch((error: unknown) => {
      o.logger.debug({ err: { message: (error as Error).message } }, 'Shared Vanta token store unreachable');
      return AWAY;
    });
  const deadline = o.now() + o.waitMs;
  for (;;) {
    const current = await safely(() => store.read());
    if (usable(current)) return current;
    const locked = current === AWAY ? AWAY : await safely(() => store.lock(o.waitMs));
    // The store is away (or a lock holder is stuck past the wait): mint on our own, as a lone replica does.
    if (locked === AWAY || (locked === false && o.now() >= deadline)) return o.mint();
    if (locked) {
      try {
        const again = await safely(() => store.read());
        if (usable(again)) return again;
        const minted = await o.mint();
        await safely(() => store.write(minted));
        return minted;
      } finally {
        await safely(() => store.unlock());
      }
    }
    await o.sleep(POLL_MS);
  }
}
