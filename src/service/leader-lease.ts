/**
 * Leader election for the poller: Vanta allows one active token per application, so only one replica polls.
 * Every `ttl / 3` a follower tries to take the lease and the leader renews it. A leader steps down when a renewal
 * says the lease is no longer its own, or when it could not renew for a whole TTL (Redis unreachable: another
 * replica may have it by now). A dead leader's lease expires after the TTL, so a follower takes over within
 * TTL + TTL / 3. The fencing token grows with every new lease; `holds()` checks it is still current before the
 * poller acts on a cycle's results, so a leader paused past its lease cannot act on stale leadership.
 */
import type { Logger } from 'pino';
import type { LeaseStore } from '../state/lease-store.js';

export interface LeaderLeaseOptions {
  store: LeaseStore;
  /** This replica's identity (host name and pid, say); shown in `/status`. */
  holder: string;
  ttlMs: number;
  logger: Logger;
  /** Called when this replica becomes leader or stops being it. */
  onChange?: (leader: boolean, token: number | undefined) => void;
  now?: () => number;
}

export type LeaderRole = 'leader' | 'follower';

export class LeaderLease {
  readonly #o: LeaderLeaseOptions;
  readonly #now: () => number;
  #token: number | undefined;
  #renewedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LeaderLeaseOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get role(): LeaderRole {
    return this.#token === undefined ? 'follower' : 'leader';
  }

  /** The fencing token of our lease, while we lead. */
  get token(): number | undefined {
    return this.#token;
  }

  get holder(): string {
    return this.#o.holder;
  }

  /** Starts trying (first attempt now); resolves after that first attempt. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.tick();
    this.#schedule();
  }

  /** One election step: renew when leading, try to take the lease otherwise. Never throws. */
  tick(): Promise<void> {
    this.#tick ??= this.#step().finally(() => {
      this.#tick = undefined;
    });
    return this.#tick;
  }

  /** Whether our lease is still the current one (the fencing check before acting as leader). */
  async holds(): Promise<boolean> {
    const token = this.#token;
    if (token === undefined) return false;
    try {
      const current = await this.#o.store.current();
      return current?.holder === this.#o.holder && current.token === token;
    } catch {
      return false;
    }
  }

  /** Stops electing and gives the lease up, so another replica takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#tick;
    const token = this.#token;
    if (token === undefined) return;
    this.#set(undefined);
    try {
      await this.#o.store.release(this.#o.holder, token);
    } catch (error) {
      this.#o.logger.warn({ err: error }, 'Leader lease release failed; it expires on its own');
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(
      () => {
        void this.tick().then(() => this.#schedule());
      },
      Math.max(50, Math.floor(this.#o.ttlMs / 3)),
    );
    this.#timer.unref();
  }

  async #step(): Promise<void> {
    if (this.#stopped) return;
    const { store, holder, ttlMs, logger } = this.#o;
    const token = this.#token;
    try {
      if (token !== undefined) {
        if (await store.renew(holder, token, ttlMs)) this.#renewedAt = this.#now();
        else {
          logger.warn({ token }, 'Leader lease lost');
          this.#set(undefined);
        }
        return;
      }
      const taken = await store.acquire(holder, ttlMs);
      if (taken !== undefined) {
        this.#renewedAt = this.#now();
        logger.info({ token: taken }, 'Leader lease taken');
        this.#set(taken);
      }
    } catch (error) {
      if (token !== undefined && this.#now() - this.#renewedAt >= ttlMs) {
        logger.warn({ err: error, token }, 'Leader lease not renewable for a whole TTL; stepping down');
        this.#set(undefined);
      } else logger.debug({ err: error }, 'Leader lease step failed');
    }
  }

  #set(token: number | undefined): void {
    const was = this.#token;
    this.#token = token;
    if ((was === undefined) !== (token === undefined)) this.#o.onChange?.(token !== undefined, token);
  }
}
