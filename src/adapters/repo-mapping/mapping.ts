/**
 * GITHUB_REPO_MAPPING, parsed once at start-up. The product guide's format: a JSON object from resource patterns to
 * repositories, with a `default`:
 *
 *   {"default": "myorg/terraform-main", "arn:aws:s3:::special-bucket": "myorg/terraform-s3",
 *    "arn:aws:iam::123456:role": "myorg/terraform-iam"}
 *
 * Every other key matches a resource ARN exactly or as a prefix (a trailing `*` makes it prefix-only). Values are
 * `owner/name` or `owner/name@branch`. An empty value maps to nothing: `""` as the default (the guide's default
 * mapping) leaves unmatched resources unmapped, and `""` on a pattern carves resources out of a broader match.
 */
import type { RepoRef } from '../../pipeline/ports.js';
import { parseRepoTarget } from './repo-target.js';

export const DEFAULT_KEY = 'default';

export interface MappingRule {
  /** The key without a trailing `*`. */
  pattern: string;
  /** false for `...*` keys, which only match as a prefix. */
  exact: boolean;
  /** undefined: matched resources are deliberately unmapped. */
  repo: RepoRef | undefined;
}

export interface RepoMapping {
  /** Longest pattern first, so the first prefix hit is the longest one. */
  rules: readonly MappingRule[];
  fallback: RepoRef | undefined;
}

export const EMPTY_MAPPING: RepoMapping = { rules: [], fallback: undefined };

/** Parses the variable's text; `problems` names each bad entry by its key (keys and repositories are not secret). */
export function parseRepoMapping(
  text: string | undefined,
  baseBranch: string,
): { mapping: RepoMapping; problems: string[] } {
  if (text === undefined || text.trim() === '') return { mapping: EMPTY_MAPPING, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { mapping: EMPTY_MAPPING, problems: ['must be a JSON object such as {"default": "owner/name"}'] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { mapping: EMPTY_MAPPING, problems: ['must be a JSON object such as {"default": "owner/name"}'] };

  const problems: string[] = [];
  const rules: MappingRule[] = [];
  let fallback: RepoRef | undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      problems.push(`entry "${key}" must map to a string "owner/name"`);
      continue;
    }
    let repo: RepoRef | undefined;
    if (value.trim() !== '') {
      const target = parseRepoTarget(value.trim(), baseBranch);
      if ('problem' in target) {
        problems.push(`entry "${key}": ${target.problem}`);
        continue;
      }
      repo = target;
    }
    if (key === DEFAULT_KEY) {
      fallback = repo;
      continue;
    }
    const prefixOnly = key.endsWith('*');
    const pattern = prefixOnly ? key.slice(0, -1) : key;
    if (pattern === '') problems.push(`entry "${key}": the pattern is empty`);
    else if (pattern.includes('*')) problems.push(`entry "${key}": "*" is only allowed at the end`);
    else rules.push({ pattern, exact: !prefixOnly, repo });
  }
  rules.sort((a, b) => b.pattern.length - a.pattern.length);
  return { mapping: { rules, fallback }, problems };
}
