/**
 * Every Redis key name the state store uses, in one place. A prefix (default `terrafix:`) namespaces them, so
 * tests can run against a shared Redis under a random prefix and delete exactly their own keys.
 */
export const DEFAULT_KEY_PREFIX = 'terrafix:';

export interface StateKeys {
  readonly prefix: string;
  /** Key of one failure record: `{prefix}failure:{hash}`. */
  failure(hash: string): string;
  /** SCAN MATCH pattern covering every failure record under the prefix (glob characters escaped). */
  readonly failurePattern: string;
}

/** Builds the key names under a prefix. */
export function stateKeys(prefix: string = DEFAULT_KEY_PREFIX): StateKeys {
  return {
    prefix,
    failure: (hash) => `${prefix}failure:${hash}`,
    failurePattern: `${escapeGlob(prefix)}failure:*`,
  };
}

/** Keys of the service's coordination: the poller's leader lease and its fencing counter. */
export interface LeaseKeys {
  /** `{prefix}leader`: the holder and token of the current lease, with a PX expiry. */
  readonly lease: string;
  /** `{prefix}leader:fence`: INCR'd on every new lease, so tokens only grow. */
  readonly fence: string;
}

export function leaseKeys(prefix: string = DEFAULT_KEY_PREFIX): LeaseKeys {
  return { lease: `${prefix}leader`, fence: `${prefix}leader:fence` };
}

/** Keys of the PR ledger: open TerraFix PRs per repository (the open cap), PRs created per hour (the rate cap). */
export interface PrLedgerKeys {
  /** `{prefix}prs:open:{owner/name}`: failure keys with an open (or being opened) PR in that repository. */
  open(repo: string): string;
  /** `{prefix}prs:created`: failure keys by creation time (epoch ms) over the last hour. */
  readonly created: string;
  /** `{prefix}prs:ledger`: failure key → JSON of its open PR (repo, number, url, test, resource, times). */
  readonly ledger: string;
}

export function prLedgerKeys(prefix: string = DEFAULT_KEY_PREFIX): PrLedgerKeys {
  return {
    open: (repo) => `${prefix}prs:open:${repo}`,
    created: `${prefix}prs:created`,
    ledger: `${prefix}prs:ledger`,
  };
}

/** Keys of the Vanta token the replicas share (one active token per Vanta application). */
export interface VantaTokenKeys {
  /** `{prefix}vanta:token:{client}`: JSON of the token and its renewal time, with a PX expiry. */
  readonly token: string;
  /** `{prefix}vanta:token:{client}:mint`: the replica minting right now (SET NX PX). */
  readonly mint: string;
}

/** `client` tells Vanta applications apart (a hash of the client id, never the id or secret). */
export function vantaTokenKeys(prefix: string, client: string): VantaTokenKeys {
  return { token: `${prefix}vanta:token:${client}`, mint: `${prefix}vanta:token:${client}:mint` };
}

/** Escapes Redis glob metacharacters so a prefix matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
