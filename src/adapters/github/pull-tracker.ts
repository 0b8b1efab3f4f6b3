/**
 * The service's PullRequestTracker on GitHub: a PR's state (`pulls.get`) and closing one with a comment
 * (`issues.createComment`, then `pulls.update state=closed` with a marker in the body), through the same throttled, retrying client as the
 * publisher. Errors are translated at this edge like the publisher's.
 */
import type { PullRequestTracker, TrackedPull } from '../../pipeline/pull-request-tracker.js';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from './client.js';
import { RESOLVED_MARKER } from './find-pull.js';
import { translateGitHubError } from './github-errors.js';

export class GitHubPullTracker implements PullRequestTracker {
  readonly #client: GitHubClient;
  readonly #secrets: string[];

  constructor(options: GitHubClientOptions) {
    this.#client = createGitHubClient(options);
    this.#secrets = [options.token];
  }

  async status(repo: string, number: number): Promise<TrackedPull> {
    const [owner = '', name = ''] = repo.split('/');
    try {
      const { data } = await this.#client.rest.pulls.get({ owner, repo: name, pull_number: number });
      return {
        state: data.state === 'open' ? 'open' : 'closed',
        merged: data.merged,
        mergedAt: data.merged_at ?? undefined,
      };
    } catch (error) {
      throw translateGitHubError(error, 'get pull request', this.#secrets);
    }
  }

  async closeWithComment(repo: string, number: number, comment: string): Promise<void> {
    const [owner = '', name = ''] = repo.split('/');
    try {
      await this.#client.rest.issues.createComment({
        owner,
        repo: name,
        issue_number: number,
        body: comment,
      });
      // The marker tells the publisher this close was ours: should the resource fail again, a new PR may open.
      const { data } = await this.#client.rest.pulls.get({ owner, repo: name, pull_number: number });
      await this.#client.rest.pulls.update({
        owner,
        repo: name,
        pull_number: number,
        state: 'closed',
        body: `${data.body ?? ''}\n\n${RESOLVED_MARKER}`,
      });
    } catch (error) {
      throw translateGitHubError(error, 'close pull request', this.#secrets);
    }
  }
}
