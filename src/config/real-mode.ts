/**
 * Real mode's adapter settings in one call: Vanta, Bedrock, git and GitHub, and the repository mapping. Every loader
 * runs, so one start-up error names every missing or invalid variable at once (names only, never values).
 */
import type { RepoMapping } from '../adapters/repo-mapping/mapping.js';
import type { VantaSettings } from '../adapters/vanta/index.js';
import { TerraFixError } from '../pipeline/errors.js';
import { type BedrockConfig, loadBedrockConfig } from './bedrock.js';
import { type GitHubConfig, loadGitHubConfig } from './github.js';
import type { Env } from './load.js';
import { loadRepoMappingConfig } from './repo-mapping.js';
import { loadVantaConfig } from './vanta.js';

export interface RealAdaptersConfig {
  vanta: VantaSettings;
  bedrock: BedrockConfig;
  github: GitHubConfig;
  mapping: RepoMapping;
}

const PREFIX = 'invalid configuration: ';

/** Every real adapter's settings from `env`; throws one TFX_CONFIG error listing each bad variable. */
export function loadRealAdaptersConfig(env: Env): RealAdaptersConfig {
  const problems: string[] = [];
  let firstField: string | undefined;
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof TerraFixError) || error.code !== 'TFX_CONFIG') throw error;
      firstField ??= error.field;
      problems.push(error.message.startsWith(PREFIX) ? error.message.slice(PREFIX.length) : error.message);
      return undefined;
    }
  };
  const vanta = attempt(() => loadVantaConfig(env));
  const bedrock = attempt(() => loadBedrockConfig(env));
  const github = attempt(() => loadGitHubConfig(env));
  const mapping = attempt(() => loadRepoMappingConfig(env));
  if (vanta === undefined || bedrock === undefined || github === undefined || mapping === undefined) {
    throw new TerraFixError('TFX_CONFIG', `${PREFIX}${problems.join('; ')}`, {
      category: 'config',
      field: firstField ?? '(env)',
    });
  }
  return { vanta, bedrock, github, mapping };
}
