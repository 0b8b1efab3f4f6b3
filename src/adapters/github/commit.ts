/**
 * One commit on top of the base branch's head, made through the git data API (tree with inline contents, commit,
 * then the branch ref): no clone is needed to publish, the token stays in Octokit's header, and the branch moves
 * atomically. The branch is ours (named from the failure key): if it exists without an open PR (a crash between
 * ref and PR, or a retry) it is reset to the fresh commit.
 */
import type { GitHubClient } from './client.js';

export interface CommitRequest {
  owner: string;
  repo: string;
  base: string;
  branch: string;
  message: string;
  /** Repository-relative paths (already inside the Terraform root) and their new contents. */
  files: readonly { path: string; content: string }[];
  signal: AbortSignal | undefined;
}

export interface CommitResult {
  sha: string;
  parent: string;
}

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { status?: number }).status === 422 &&
    /reference already exists/i.test(error.message)
  );
}

export async function commitToBranch(client: GitHubClient, req: CommitRequest): Promise<CommitResult> {
  const { owner, repo } = req;
  const request = req.signal === undefined ? {} : { request: { signal: req.signal } };
  const { data: ref } = await client.rest.git.getRef({ owner, repo, ref: `heads/${req.base}`, ...request });
  const parent = ref.object.sha;
  const { data: baseCommit } = await client.rest.git.getCommit({
    owner,
    repo,
    commit_sha: parent,
    ...request,
  });
  const { data: tree } = await client.rest.git.createTree({
    owner,
    repo,
    base_tree: baseCommit.tree.sha,
    tree: req.files.map((f) => ({
      path: f.path,
      mode: '100644' as const,
      type: 'blob' as const,
      content: f.content,
    })),
    ...request,
  });
  const { data: commit } = await client.rest.git.createCommit({
    owner,
    repo,
    message: req.message,
    tree: tree.sha,
    parents: [parent],
    ...request,
  });
  try {
    await client.rest.git.createRef({
      owner,
      repo,
      ref: `refs/heads/${req.branch}`,
      sha: commit.sha,
      ...request,
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    await client.rest.git.updateRef({
      owner,
      repo,
      ref: `heads/${req.branch}`,
      sha: commit.sha,
      force: true,
      ...request,
    });
  }
  return { sha: commit.sha, parent };
}
