/**
 * A plain ioredis client for the service's coordination (lease, PR ledger, readiness ping): lazily connected, fails
 * a command fast while Redis is away (instead of queueing it), reconnects on its own, and never prints the URL.
 */
import { Redis } from 'ioredis';

export type { Redis as RedisClient } from 'ioredis';

export function createRedisClient(url: string): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 5_000,
    retryStrategy: (times) => Math.min(2_000, 100 * times),
  });
  client.on('error', () => undefined);
  return client;
}

/** Closes a client made by createRedisClient, whatever its state. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}
