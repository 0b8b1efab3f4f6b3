/**
 * A BullMQ replica in its own process for the crash test: takes jobs from TERRAFIX_TEST_QUEUE under
 * TERRAFIX_TEST_PREFIX, prints `started <id>` when a job starts and never finishes it (it is about to be killed).
 */
import { BullmqJobQueue } from '../../../src/queue/bullmq-queue.js';

const env = process.env;
const queue = new BullmqJobQueue<{ key: string }, string>({
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  queueName: env.TERRAFIX_TEST_QUEUE ?? 'q',
  prefix: env.TERRAFIX_TEST_PREFIX ?? 'p',
  workers: 1,
  limit: 100,
  jobId: (p) => p.key,
  onError: () => 'error',
  stall: { lockDurationMs: 1_000, stalledIntervalMs: 500 },
  handler: (payload) => {
    process.stdout.write(`started ${payload.key}\n`);
    return new Promise<string>(() => undefined);
  },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void queue.close().then(() => process.exit(0));
});
