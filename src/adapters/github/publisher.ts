/**
 * PullRequestPublisher over the GitHub REST API. Publishing is idempotent per branch (the branch is derived from
 * the failure key by the core):
 *   1. look up PRs from `owner:branch` (any state): open → reuse; merged → reuse (the fix already landed);
 *      closed without merging → a permanent error (a reviewer said no; reopen the PR to resume);
 *   2. otherwise commit the draft's files on top of the base branch's head (git data API) and point the branch at it;
 *   3. open the PR (draft if configured; falls back to a normal PR where drafts are unsupported); if GitHub says
 *      one already exists (a concurrent publisher), reuse it;
 *   4. labels, best effort.
 * The draft's paths are relative to the Terraform root; this adapter prefixes TERRAFORM_PATH.
 */
import type { Logger } from 'pino';
import { TerraFixError } from '../../pipeline/errors.js';
import type {
  CallContext,
  PublishedPullRequest,
  PullRequestDraft,
  PullRequestPublisher,
} from '../../pipeline/ports.js';
import {
  type GitHubClient,
  type GitHubClientOptions,
  type RateLimitEvent,
  createGitHubClient,
} from './client.js';
import { commitToBranch } from './commit.js';
import { existingPull } from './find-pull.js';
import { translateGitHubError } from './github-errors.js';
import { LabelKeeper } from './labels.js';

export interface GitHubPublisherOptions extends Omit<GitHubClientOptions, 'logger' | 'onRateLimit'> {
  /** TERRAFORM_PATH: prefixed to the draft's paths (`.` = repository root). */
  terraformPath: string;
  draft: boolean;
  extraLabels: readonly string[];
  labelColor: string;
  logger?: Logger | undefined;
  /** Metrics hooks. */
  events?: GitHubPublisherEvents | undefined;
}

export interface GitHubPublisherEvents {
  /** Every rate-limit answer the throttling plugin saw, and whether it retried. */
  rateLimit?: (event: RateLimitEvent) => void;
  /** Labels could not be applied (the PR stands). */
  labelFailed?: (error: TerraFixError) => void;
}

/** The repository path of a draft path: inside TERRAFORM_PATH, never `..` or absolute. */
export function repoPath(terraformPath: string, path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (
    path.startsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    parts.includes('..') ||
    parts.length === 0
  ) {
    throw new TerraFixError(
      'TFX_INVALID_INPUT',
      'pull request file path must be relative to the Terraform root',
      {
        category: 'permanent',
        field: 'changes.path',
      },
    );
  }
  return terraformPath === '.' ? parts.join('/') : `${terraformPath}/${parts.join('/')}`;
}

function isValidation(error: unknown, pattern: RegExp): boolean {
  return (
    error instanceof Error && (error as { status?: number }).status === 422 && pattern.test(error.message)
  );
}

export class GitHubPublisher implements PullRequestPublisher {
  readonly client: GitHubClient;
  private readonly labels: LabelKeeper;
  private readonly secrets: string[];

  constructor(private readonly options: GitHubPublisherOptions) {
    this.client = createGitHubClient({
      ...options,
      logger: options.logger,
      onRateLimit: options.events?.rateLimit,
    });
    this.labels = new LabelKeeper(options.labelColor);
    this.secrets = [options.token];
  }

  async publish(draft: PullRequestDraft, ctx: CallContext): Promise<PublishedPullRequest> {
    const { owner, name: repo } = draft.repo;
    const where = `${owner}/${repo}`;
    const signal = ctx.signal;
    const request = signal === undefined ? {} : { request: { signal } };
    const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        throw translateGitHubError(error, `${what} in ${where}`, this.secrets);
      }
    };

    const found = await step('list pull requests', () =>
      existingPull(this.client, owner, repo, draft.branch, signal),
    );
    if (found !== undefined) return this.reuse(found, draft.branch, where);

    if (draft.changes.length === 0) {
      throw new TerraFixError('TFX_INVALID_INPUT', 'pull request draft has no file changes', {
        category: 'permanent',
        field: 'changes',
      });
    }
    const files = draft.changes.map((c) => ({
      path: repoPath(this.options.terraformPath, c.path),
      content: c.content,
    }));
    const base =
      draft.repo.baseBranch !== ''
        ? draft.repo.baseBranch
        : (await step('read the repository', () => this.client.rest.repos.get({ owner, repo, ...request })))
            .data.default_branch;
    await step('commit the fix', () =>
      commitToBranch(this.client, {
        owner,
        repo,
        base,
        branch: draft.branch,
        message: draft.commitMessage,
        files,
        signal,
      }),
    );
    const created = await step('open the pull request', () => this.openPull(draft, base, signal));
    if (created === undefined) {
      // Someone opened it between our lookup and our create: reuse theirs.
      const again = await step('list pull requests', () =>
        existingPull(this.client, owner, repo, draft.branch, signal),
      );
      if (again !== undefined) return this.reuse(again, draft.branch, where);
      throw new TerraFixError(
        'TFX_TRANSIENT',
        `GitHub reported a pull request for ${draft.branch} in ${where} that it does not list`,
        {
          category: 'transient',
        },
      );
    }
    const labels = [...new Set([...draft.labels, ...this.options.extraLabels])];
    try {
      await this.labels.apply(this.client, owner, repo, created.number, labels, signal);
    } catch (error) {
      const translated = translateGitHubError(
        error,
        `label pull request #${created.number} in ${where}`,
        this.secrets,
      );
      this.options.logger?.warn(
        { repo: where, pr: created.number, err: translated },
        'Labelling the pull request failed',
      );
      this.options.events?.labelFailed?.(translated);
    }
    this.options.logger?.info(
      { repo: where, pr: created.number, branch: draft.branch },
      'Pull request opened',
    );
    return { url: created.url, number: created.number, reused: false };
  }

  /** Opens the PR; undefined when GitHub says one already exists for the branch. */
  private async openPull(
    draft: PullRequestDraft,
    base: string,
    signal: AbortSignal | undefined,
  ): Promise<{ number: number; url: string } | undefined> {
    const { owner, name: repo } = draft.repo;
    const create = async (asDraft: boolean) => {
      const { data } = await this.client.rest.pulls.create({
        owner,
        repo,
        title: draft.title,
        head: draft.branch,
        base,
        body: draft.body,
        draft: asDraft,
        ...(signal === undefined ? {} : { request: { signal } }),
      });
      return { number: data.number, url: data.html_url };
    };
    try {
      return await create(this.options.draft);
    } catch (error) {
      if (isValidation(error, /already exists/i)) return undefined;
      if (this.options.draft && isValidation(error, /draft/i)) {
        this.options.logger?.warn(
          { repo: `${owner}/${repo}` },
          'Draft pull requests unsupported; opening a normal one',
        );
        return create(false);
      }
      throw error;
    }
  }

  private reuse(
    found: { number: number; url: string; state: string },
    branch: string,
    where: string,
  ): PublishedPullRequest {
    if (found.state === 'closed') {
      throw new TerraFixError(
        'TFX_PERMANENT',
        `pull request #${found.number} for ${branch} in ${where} was closed without merging; TerraFix does not open another (reopen it to resume)`,
        { category: 'permanent' },
      );
    }
    this.options.logger?.info({ repo: where, pr: found.number, state: found.state }, 'Pull request reused');
    return { url: found.url, number: found.number, reused: true };
  }
}
