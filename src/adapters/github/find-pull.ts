/**
 * The pull requests already opened from a branch (`head=owner:branch`, any state), and what they mean:
 * an open one is reused; a merged one means this failure's fix already landed (reused, nothing new is opened);
 * one closed without merging is a reviewer's "no" and is respected (no second PR; reopen it to resume), unless
 * TerraFix closed it itself because the resource stopped failing (its body carries RESOLVED_MARKER): then the
 * failure is a new regression and a new PR may open from the same branch.
 * Looking up by head and state, not by branch existence, is what the earlier version got wrong.
 */
import type { GitHubClient } from './client.js';

/** Appended to the body of a PR TerraFix closes because its resource no longer fails (close the loop). */
export const RESOLVED_MARKER = '<!-- terrafix:closed-resolved -->';

export interface ExistingPull {
  number: number;
  url: string;
  state: 'open' | 'merged' | 'closed';
}

export async function existingPull(
  client: GitHubClient,
  owner: string,
  repo: string,
  branch: string,
  signal: AbortSignal | undefined,
): Promise<ExistingPull | undefined> {
  const { data } = await client.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${branch}`,
    state: 'all',
    per_page: 100,
    ...(signal === undefined ? {} : { request: { signal } }),
  });
  const closedByLoop = (p: (typeof data)[number]) =>
    p.state !== 'open' && p.merged_at == null && (p.body ?? '').includes(RESOLVED_MARKER);
  const pulls = data
    .filter((p) => !closedByLoop(p))
    .map((p): ExistingPull => ({
      number: p.number,
      url: p.html_url,
      state: p.state === 'open' ? 'open' : p.merged_at != null ? 'merged' : 'closed',
    }));
  return (
    pulls.find((p) => p.state === 'open') ??
    pulls.find((p) => p.state === 'merged') ??
    pulls.find((p) => p.state === 'closed')
  );
}
