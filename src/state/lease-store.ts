/**
 * Where the poller's leader lease lives (Redis in production, shared by replicas). A lease has a holder, an expiry
 * and a fencing token that grows with every new lease, so work stamped with an older token can be told apart.
 * Left out on purpose: waiting for the lease (callers poll), more than one lease name, and clock sync (expiry is
 * kept by the store's own clock).
 */
export interface LeaseStore {
  /** Takes the lease when free (or already ours); the fencing token, or undefined when another holder has it. */
  acquire(holder: string, ttlMs: number): Promise<number | undefined>;
  /** Extends our lease; false when it is no longer ours (expired and taken, or released). */
  renew(holder: string, token: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if it is still ours. */
  release(holder: string, token: number): Promise<void>;
  /** The current holder and token, if any. */
  current(): Promise<{ holder: string; token: number } | undefined>;
}
