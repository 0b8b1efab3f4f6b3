/**
 * One repository a mapping points at: `owner/name`, optionally `owner/name@branch` (the branch PRs target, else
 * GITHUB_BASE_BRANCH). Names follow GitHub's rules; branches git's ref-name rules (the subset that matters).
 */
import type { RepoRef } from '../../pipeline/ports.js';

/** 1–39 alphanumerics or single inner hyphens. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** 1–100 of A-Z a-z 0-9 . _ - */
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Why `branch` is not a usable branch name, or undefined when it is (`git check-ref-format --branch`, in short). */
export function branchProblem(branch: string): string | undefined {
  if (branch === '' || branch.length > 255) return 'branch must be 1–255 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\s~^:?*[\\\x00-\x1f\x7f]/.test(branch)) return 'branch has a character git forbids';
  if (branch.includes('..') || branch.includes('@{') || branch.includes('//') || branch === '@')
    return 'branch has a sequence git forbids';
  if (branch.startsWith('-') || branch.startsWith('/') || branch.endsWith('/') || branch.endsWith('.'))
    return 'branch may not start with - or / or end with / or .';
  if (branch.endsWith('.lock')) return 'branch may not end with .lock';
  return undefined;
}

/** `owner/name[@branch]` → RepoRef, or a message saying what is wrong (it never repeats the value). */
export function parseRepoTarget(value: string, baseBranch: string): RepoRef | { problem: string } {
  const at = value.indexOf('@');
  const repo = at === -1 ? value : value.slice(0, at);
  const branch = at === -1 ? baseBranch : value.slice(at + 1);
  const parts = repo.split('/');
  if (parts.length !== 2) return { problem: 'must be owner/name or owner/name@branch' };
  const [owner = '', name = ''] = parts;
  if (!OWNER.test(owner)) return { problem: 'owner must be 1–39 letters, digits or inner hyphens' };
  if (!NAME.test(name) || name === '.' || name === '..')
    return { problem: 'name must be 1–100 letters, digits, ".", "_" or "-"' };
  if (name.toLowerCase().endsWith('.git')) return { problem: 'name must not end with .git' };
  const problem = branchProblem(branch);
  if (problem !== undefined) return { problem };
  return { owner, name, baseBranch: branch };
}
