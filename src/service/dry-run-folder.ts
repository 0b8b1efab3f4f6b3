/**
 * DRY_RUN=true: a publisher that writes each would-be pull request as `<dir>/<failure key>.json` (repository, base,
 * branch, title, body, labels, files with their new content) and pushes nothing. Everything before it runs for real.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CallContext,
  PublishedPullRequest,
  PullRequestDraft,
  PullRequestPublisher,
} from '../pipeline/ports.js';
import { redactText } from '../pipeline/redact.js';
import type { PullRequestTracker, TrackedPull } from '../pipeline/pull-request-tracker.js';

export class FolderDryRunPublisher implements PullRequestPublisher {
  constructor(private readonly dir: string) {}

  async publish(draft: PullRequestDraft, ctx: CallContext): Promise<PublishedPullRequest> {
    await mkdir(this.dir, { recursive: true });
    const { owner, name, baseBranch } = draft.repo;
    const pr = {
      repository: `${owner}/${name}`,
      base: baseBranch,
      branch: draft.branch,
      title: draft.title,
      body: redactText(draft.body),
      labels: draft.labels,
      commit_message: draft.commitMessage,
      files: draft.changes.map((c) => ({ path: c.path, content: c.content })),
    };
    await writeFile(join(this.dir, `${ctx.key}.json`), `${JSON.stringify(pr, null, 2)}\n`);
    return { url: `dry-run://${owner}/${name}/tree/${draft.branch}`, number: 0, reused: false };
  }
}

/** Dry runs open no PRs, so there is none to close: every would-be PR reads as closed unmerged. */
export const dryRunTracker: PullRequestTracker = {
  status: (): Promise<TrackedPull> => Promise.resolve({ state: 'closed', merged: false }),
  closeWithComment: () => Promise.resolve(),
};
