/**
 * Closing the loop for PRs whose resource stopped failing (Renovate closes PRs it no longer needs): a merged PR
 * counts as remediated, with the time from the failure to the merge; one still open gets a comment and is closed;
 * either way the failure's record becomes resolved and its place under the PR caps is freed.
 */
import type { Logger } from 'pino';
import type { StateStore } from '../pipeline/state-store.js';
import type { LedgerEntry, RedisPrLedger } from '../state/redis-pr-ledger.js';
import type { PullRequestTracker } from '../pipeline/pull-request-tracker.js';

export interface CloseLoopDeps {
  tracker: PullRequestTracker;
  state: StateStore;
  ledger: RedisPrLedger;
  logger: Logger;
  onMerged?: (secondsToMerge: number | undefined) => void;
  onClosed?: () => void;
}

export const CLOSE_COMMENT =
  'TerraFix: the compliance test no longer fails for this resource, so this pull request is no longer needed. ' +
  'Closing it; nothing was merged.';

/** Resolves each entry; returns how many were resolved (failures are logged and retried next cycle). */
export async function closeLoop(deps: CloseLoopDeps, entries: LedgerEntry[]): Promise<number> {
  let resolved = 0;
  for (const entry of entries) {
    try {
      const pull = await deps.tracker.status(entry.repo, entry.number);
      if (pull.merged) {
        const merged = pull.mergedAt === undefined ? NaN : Date.parse(pull.mergedAt);
        const failed = Date.parse(entry.failed_at);
        const seconds =
          Number.isFinite(merged) && Number.isFinite(failed) ? (merged - failed) / 1000 : undefined;
        await deps.state.resolve(entry.key, 'pr_merged');
        deps.onMerged?.(seconds);
        deps.logger.info(
          { repo: entry.repo, pr: entry.number, secondsToMerge: seconds },
          'Remediation merged',
        );
      } else {
        if (pull.state === 'open') {
          await deps.tracker.closeWithComment(entry.repo, entry.number, CLOSE_COMMENT);
          deps.onClosed?.();
          deps.logger.info({ repo: entry.repo, pr: entry.number }, 'PR closed: resource no longer fails');
        }
        await deps.state.resolve(entry.key, 'pr_closed');
      }
      await deps.ledger.settle(entry);
      resolved += 1;
    } catch (error) {
      deps.logger.warn({ err: error, repo: entry.repo, pr: entry.number }, 'Closing the loop failed');
    }
  }
  return resolved;
}
