/** The shared BullMQ queue seen through the API server's JobQueue port. */
import type { Failure } from '../pipeline/failure.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import type { BullmqJobQueue } from '../queue/bullmq-queue.js';
import type { JobQueue } from '../queue/port.js';
import { failureOf, type QueuedFailure } from './queued-failure.js';

/**
 * Validated bodies become failure records at submit: the jobs hold what `serve` replicas expect, and an async body
 * kept as text (see queued-failure.ts) never reaches Redis.
 */
export function acceptingBodies(
  queue: BullmqJobQueue<Failure, ProcessResult>,
): JobQueue<QueuedFailure, ProcessResult> {
  return {
    submit: (payloads) => queue.submit(payloads.map(failureOf)),
    get: (id) => queue.get(id),
    wait: (id) => queue.wait(id),
    stats: () => queue.stats(),
    resize: (sizing) => queue.resize(sizing),
    drain: () => queue.drain(),
  };
}
