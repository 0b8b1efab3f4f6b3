/**
 * The shared failure queue on BullMQ, as every process on one Redis opens it: `serve` replicas and the real-mode API
 * server. Same queue name, prefix (`<TERRAFIX_REDIS_PREFIX>bull`) and job id (the failure key), so a failure queued
 * by any of them is queued once and run once, whichever process takes it; transient and throttled outcomes are
 * retried with the one retry policy.
 */
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/service.js';
import { TerraFixError } from '../pipeline/errors.js';
import { type Failure, failureKey } from '../pipeline/failure.js';
import { type ProcessResult, thrownResult } from '../pipeline/outcome.js';
import { DEFAULT_RETRY_POLICY } from '../pipeline/retry.js';
import { BullmqJobQueue } from '../queue/bullmq-queue.js';

export interface FailureQueueOptions {
  config: Pick<ServiceConfig, 'redisUrl' | 'redisPrefix' | 'workers' | 'queueLimit' | 'jobLockMs'>;
  logger: Logger;
  /** Runs one failure; absent: this process only enqueues (the API server in front of `serve` replicas). */
  handler?: (failure: Failure, jobId: string, run: { resumed: boolean }) => Promise<ProcessResult>;
}

/** Opens the shared queue (its connections are its own; close() releases them). */
export function createFailureQueue(options: FailureQueueOptions): BullmqJobQueue<Failure, ProcessResult> {
  const { config, logger, handler } = options;
  return new BullmqJobQueue<Failure, ProcessResult>({
    redisUrl: config.redisUrl,
    prefix: `${config.redisPrefix}bull`,
    workers: config.workers,
    limit: config.queueLimit,
    handler: handler ?? (() => Promise.reject(new Error('this process runs no jobs'))),
    work: handler !== undefined,
    onError: (error, failure) => thrownResult(failureKey(failure), error),
    jobId: failureKey,
    retryOf: (result) =>
      result.outcome.kind === 'failed' &&
      (result.outcome.category === 'transient' || result.outcome.category === 'throttled')
        ? new TerraFixError(result.outcome.code, result.outcome.message, {
            category: result.outcome.category,
          })
        : undefined,
    retry: DEFAULT_RETRY_POLICY,
    stall: { lockDurationMs: config.jobLockMs, stalledIntervalMs: Math.max(100, config.jobLockMs / 2) },
    onQueueError: (error) => logger.warn({ err: { message: error.message } }, 'Shared queue error'),
  });
}
