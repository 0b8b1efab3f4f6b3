/** Redis URLs may carry a password: this is the only form of one that may reach a log or an error message. */

/** Returns `redis://host:port/db` with any user name and password removed; `redis://<invalid>` if unparsable. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'redis://<invalid>';
  }
}
