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

/** Escapes Redis glob metacharacters so a prefix matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
