/**
 * Dry runs: a publisher that keeps the would-be pull request instead of pushing a branch and opening it. Everything
 * before it (Vanta confirm, clone, model call, validation) runs for real.
 */
import type {
  CallContext,
  PublishedPullRequest,
  PullRequestDraft,
  PullRequestPublisher,
} from '../pipeline/ports.js';

export class DryRunPublisher implements PullRequestPublisher {
  /** Every draft it was given, in order. */
  readonly drafts: PullRequestDraft[] = [];

  publish(draft: PullRequestDraft, _ctx: CallContext): Promise<PublishedPullRequest> {
    this.drafts.push(draft);
    const { owner, name } = draft.repo;
    return Promise.resolve({
      url: `dry-run://${owner}/${name}/tree/${draft.branch}`,
      number: 0,
      reused: false,
    });
  }
}

/** A unified diff of Terraform-root paths made relative to the repository (`git apply` at its top). */
export function repoRelativePatch(diff: string, terraformPath: string): string {
  if (terraformPath === '.') return diff;
  return diff.replace(/^(---|\+\+\+) ([ab])\//gm, `$1 $2/${terraformPath}/`);
}
