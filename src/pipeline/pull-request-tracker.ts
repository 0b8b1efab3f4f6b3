/**
 * What closing the loop needs from GitHub: a TerraFix PR's state, and closing one with a comment. Left out on
 * purpose: reopening, editing, and anything about branches (a closed PR's branch is left for humans to delete).
 */
export interface TrackedPull {
  state: 'open' | 'closed';
  merged: boolean;
  /** ISO time of the merge, when merged. */
  mergedAt?: string | undefined;
}

export interface PullRequestTracker {
  status(repo: string, number: number): Promise<TrackedPull>;
  /** Comments on the PR, then closes it unmerged. */
  closeWithComment(repo: string, number: number, comment: string): Promise<void>;
}
