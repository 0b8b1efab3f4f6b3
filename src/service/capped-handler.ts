/**
 * What a service worker runs for one queued failure: reserve a place under the PR caps, run the pipeline, then
 * confirm the place (a PR is open) or give it back. Over a cap the job is deferred (TFX_DEFERRED: BullMQ moves it
 * to the delayed set and runs it later), never dropped.
 */
import type { Logger } from 'pino';
import { deferral } from '../queue/bullmq-queue.js';
import { type Failure, failureKey } from '../pipeline/failure.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import type { RepoResolver } from '../pipeline/ports.js';
import type { Pipeline } from '../pipeline/process-failure.js';
import type { PrCaps, RedisPrLedger } from '../state/redis-pr-ledger.js';

export interface CappedHandlerDeps {
  pipeline: Pipeline;
  resolver: RepoResolver;
  ledger: RedisPrLedger;
  caps: PrCaps;
  /** How long a job held back by the open-PR cap waits before it looks again (the poll interval, say). */
  openCapRetryMs: number;
  logger: Logger;
  signal: AbortSignal;
  /** Counts deferrals by cap. */
  onDeferred?: (cap: 'open_per_repo' | 'per_hour') => void;
}

export function cappedHandler(
  deps: CappedHandlerDeps,
): (failure: Failure, jobId: string, run?: { resumed: boolean }) => Promise<ProcessResult> {
  return async (failure, _jobId, run) => {
    // A job whose replica died mid-run takes over that run's claim (its lease would hold the key for minutes).
    const options = { signal: deps.signal, takeOver: run?.resumed === true };
    const repo = deps.resolver.resolve(failure);
    // An unmapped failure opens nothing: the pipeline records it as skipped_unmapped without a place.
    if (repo === undefined) return deps.pipeline.process(failure, options);
    const repoName = `${repo.owner}/${repo.name}`;
    const key = failureKey(failure);
    const place = await deps.ledger.reserve(repoName, key, deps.caps);
    if (!place.ok) {
      deps.onDeferred?.(place.cap);
      deps.logger.info({ repo: repoName, cap: place.cap }, 'PR cap reached; job deferred');
      throw deferral(place.waitMs ?? deps.openCapRetryMs, `PR cap ${place.cap} reached`);
    }
    let result: ProcessResult;
    try {
      result = await deps.pipeline.process(failure, options);
    } catch (error) {
      if (place.fresh) await deps.ledger.cancel(repoName, key);
      throw error;
    }
    const { outcome } = result;
    if (outcome.kind === 'completed') {
      await deps.ledger.confirm(
        {
          key: result.key,
          repo: repoName,
          number: outcome.prNumber,
          url: outcome.prUrl,
          test_id: failure.test_id,
          resource_arn: failure.resource_arn,
          failed_at: failure.failed_at,
          opened_at: new Date().toISOString(),
        },
        place.fresh && !outcome.reused,
      );
    } else if (place.fresh) await deps.ledger.cancel(repoName, result.key);
    return result;
  };
}
