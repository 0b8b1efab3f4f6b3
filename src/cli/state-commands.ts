/**
 * `terrafix stats` and `terrafix cleanup --retention-days N`: the guide's state store commands, over the same Redis
 * the service uses (REDIS_URL, TERRAFIX_REDIS_PREFIX). Both exit 3 with a clear message when Redis is unreachable.
 */
import type { Command } from 'commander';
import { loadServiceConfig } from '../config/service.js';
import type { Env } from '../config/load.js';
import { TerraFixError } from '../pipeline/errors.js';
import type { StateStore } from '../pipeline/state-store.js';
import { RedisStateStore } from '../state/redis-store.js';
import { redactRedisUrl } from '../state/redis-url.js';

/** Opens the service's state store, runs `use`, closes it; an unreachable Redis becomes TFX_UNREACHABLE. */
async function withStore<T>(env: Env, use: (store: StateStore) => Promise<T>): Promise<T> {
  const config = loadServiceConfig(env);
  const store = new RedisStateStore({
    redis: config.redisUrl,
    keyPrefix: config.redisPrefix,
    retentionSeconds: config.retentionSeconds,
    claimLeaseSeconds: 900,
    maxAttempts: 3,
  });
  try {
    try {
      await store.ping();
    } catch (error) {
      throw new TerraFixError(
        'TFX_UNREACHABLE',
        `Redis is not reachable at ${redactRedisUrl(config.redisUrl)} (REDIS_URL)`,
        { category: 'transient', cause: error, field: 'REDIS_URL' },
      );
    }
    return await use(store);
  } finally {
    await store.close();
  }
}

export function statsCommand(program: Command, env: Env): void {
  program
    .command('stats')
    .description('Print the state store statistics (records by status) from REDIS_URL')
    .action(async () => {
      const s = await withStore(env, (store) => store.stats());
      const lines = [
        'State Store Statistics:',
        `  Total records: ${s.total}`,
        `  Pending: ${s.pending}`,
        `  In Progress: ${s.in_progress}`,
        `  Completed: ${s.completed}`,
        `  Failed: ${s.failed}`,
        `  Resolved: ${s.resolved}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

export function cleanupCommand(program: Command, env: Env): void {
  program
    .command('cleanup')
    .description('Delete settled state records (completed, failed, resolved) older than the retention')
    .option(
      '--retention-days <n>',
      'keep records updated within this many days (default STATE_RETENTION_DAYS)',
    )
    .action(async (options: { retentionDays?: string }) => {
      let days: number | undefined;
      if (options.retentionDays !== undefined) {
        days = Number(options.retentionDays);
        if (!Number.isFinite(days) || days < 0) {
          throw new TerraFixError('TFX_CONFIG', '--retention-days must be a number of days >= 0', {
            category: 'config',
            field: '--retention-days',
          });
        }
      }
      const retentionMs =
        days === undefined ? loadServiceConfig(env).retentionSeconds * 1000 : days * 86_400_000;
      const deleted = await withStore(env, (store) => store.cleanup(Date.now() - retentionMs));
      process.stdout.write(`Deleted ${deleted} old records\n`);
    });
}
