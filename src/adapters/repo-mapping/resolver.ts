/**
 * RepoResolver over GITHUB_REPO_MAPPING: an exact key, then the longest key the ARN starts with, then `default`.
 * Pure lookup, no I/O. Undefined means unmapped: the pipeline ends the failure as `skipped_unmapped`.
 */
import type { Failure } from '../../pipeline/failure.js';
import type { RepoRef, RepoResolver } from '../../pipeline/ports.js';
import type { MappingRule, RepoMapping } from './mapping.js';

export interface Resolution {
  repo: RepoRef | undefined;
  /** Which rule decided: `none` when no key matched and there is no default. */
  by: 'exact' | 'prefix' | 'default' | 'none';
  /** The matching key's pattern (exact or prefix). */
  pattern?: string;
}

export class MappedRepoResolver implements RepoResolver {
  readonly #exact: ReadonlyMap<string, MappingRule>;

  constructor(private readonly mapping: RepoMapping) {
    this.#exact = new Map(mapping.rules.filter((rule) => rule.exact).map((rule) => [rule.pattern, rule]));
  }

  resolve(failure: Failure): RepoRef | undefined {
    return this.explain(failure.resource_arn).repo;
  }

  /** The repository for a resource identity and the rule that chose it (for logs and dry runs). */
  explain(resourceArn: string): Resolution {
    const exact = this.#exact.get(resourceArn);
    if (exact !== undefined) return { repo: exact.repo, by: 'exact', pattern: exact.pattern };
    const prefix = this.mapping.rules.find((rule) => resourceArn.startsWith(rule.pattern));
    if (prefix !== undefined) return { repo: prefix.repo, by: 'prefix', pattern: prefix.pattern };
    const { fallback } = this.mapping;
    return fallback === undefined ? { repo: undefined, by: 'none' } : { repo: fallback, by: 'default' };
  }
}
