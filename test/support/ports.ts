/** Loopback ports for tests. */
import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago and that nothing listens on now: for a server the test starts on it
 * (its own redis-server), or as an address where a connection is refused.
 */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
