/**
 * GITHUB_REPO_MAPPING (the product guide's resource → repository map) and GITHUB_BASE_BRANCH (the branch PRs
 * target unless an entry says `owner/name@branch`). Validated at start-up; errors name the variable and the entry.
 */
import { z } from 'zod';
import { parseRepoMapping, type RepoMapping } from '../adapters/repo-mapping/mapping.js';
import { branchProblem } from '../adapters/repo-mapping/repo-target.js';
import { TerraFixError } from '../pipeline/errors.js';
import { type Env, loadEnv } from './load.js';

export const repoMappingEnvSchema = z.object({
  GITHUB_REPO_MAPPING: z.string().optional(),
  GITHUB_BASE_BRANCH: z
    .string()
    .trim()
    .refine((branch) => branchProblem(branch) === undefined, 'must be a valid git branch name')
    .default('main'),
});

export function loadRepoMappingConfig(env: Env): RepoMapping {
  const e = loadEnv(repoMappingEnvSchema, env);
  const { mapping, problems } = parseRepoMapping(e.GITHUB_REPO_MAPPING, e.GITHUB_BASE_BRANCH);
  if (problems.length > 0) {
    throw new TerraFixError(
      'TFX_CONFIG',
      `invalid configuration: ${problems.map((p) => `GITHUB_REPO_MAPPING: ${p}`).join('; ')}`,
      { category: 'config', field: 'GITHUB_REPO_MAPPING' },
    );
  }
  return mapping;
}
