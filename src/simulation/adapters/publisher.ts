import type {
  CallContext,
  PublishedPullRequest,
  PullRequestDraft,
  PullRequestPublisher,
} from '../../pipeline/ports.js';

export interface PublisherCall {
  key: string;
  branch: string;
  repo: string;
  title: string;
  url: string;
  reused: boolean;
  files: string[];
}

/**
 * Simulated GitHub: records every publish in a call log and answers with a stable URL derived from the
 * failure key. Idempotent per branch, like the real adapter (an open PR for the branch is reused).
 * Memory is bounded: the log keeps the latest `logLimit` calls, the branch index the latest `branchLimit` branches.
 */
export class SimulatedPublisher implements PullRequestPublisher {
  private readonly branches = new Map<string, PublishedPullRequest>();
  private log: PublisherCall[] = [];
  private createdCount = 0;
  private reusedCount = 0;

  constructor(private readonly limits = { logLimit: 10_000, branchLimit: 200_000 }) {}

  publish(draft: PullRequestDraft, ctx: CallContext): Promise<PublishedPullRequest> {
    const repo = `${draft.repo.owner}/${draft.repo.name}`;
    const branchKey = `${repo}:${draft.branch}`;
    const existing = this.branches.get(branchKey);
    let result: PublishedPullRequest;
    if (existing !== undefined) {
      result = { ...existing, reused: true };
      this.reusedCount++;
    } else {
      // PR number from the key: stable across processes and runs, unlike a counter.
      const number = (Number.parseInt(ctx.key.slice(0, 8), 16) % 999_999) + 1;
      result = { url: `https://github.com/${repo}/pull/${number}`, number, reused: false };
      this.branches.set(branchKey, result);
      if (this.branches.size > this.limits.branchLimit) {
        const oldest = this.branches.keys().next();
        if (oldest.done !== true) this.branches.delete(oldest.value);
      }
      this.createdCount++;
    }
    this.log.push({
      key: ctx.key,
      branch: draft.branch,
      repo,
      title: draft.title,
      url: result.url,
      reused: result.reused,
      files: draft.changes.map((c) => c.path),
    });
    if (this.log.length > this.limits.logLimit * 2) this.log = this.log.slice(-this.limits.logLimit);
    return Promise.resolve(result);
  }

  /** The most recent calls, oldest first. */
  calls(): readonly PublisherCall[] {
    return this.log.slice(-this.limits.logLimit);
  }

  counts(): { created: number; reused: number } {
    return { created: this.createdCount, reused: this.reusedCount };
  }

  /** Zeroes the counters and the call log; open PRs (branches) stay, as they would on GitHub. */
  resetCounts(): void {
    this.log = [];
    this.createdCount = 0;
    this.reusedCount = 0;
  }

  /** Forgets open PRs too (used with `clear_state`). */
  clear(): void {
    this.resetCounts();
    this.branches.clear();
  }
}
