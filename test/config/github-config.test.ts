import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultGitUrl, loadGitHubConfig } from '../../src/config/github.js';
import type { Env } from '../../src/config/load.js';
import { TerraFixError } from '../../src/pipeline/errors.js';

const SECRET = 'ghp_secretvalue1234567890abcdefghijkl';

function configError(env: Env): TerraFixError {
  try {
    loadGitHubConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
    return error as TerraFixError;
  }
  throw new Error(`expected ${JSON.stringify(Object.keys(env))} to be rejected`);
}

describe('loadGitHubConfig', () => {
  it('has documented defaults', () => {
    expect(loadGitHubConfig({ GITHUB_TOKEN: SECRET })).toEqual({
      token: SECRET,
      apiUrl: 'https://api.github.com',
      gitUrl: 'https://github.com',
      terraformPath: '.',
      workspace: {
        dir: join(tmpdir(), 'terrafix-workspaces'),
        maxCachedRepos: 8,
        gitTimeoutMs: 120_000,
        path: undefined,
      },
      publish: {
        draft: false,
        extraLabels: [],
        labelColor: '0366d6',
        throttle: {
          enabled: true,
          writeIntervalMs: 1000,
          pullRequestIntervalMs: 3000,
          rateLimitRetries: 2,
          maxWaitMs: 60_000,
        },
        requestRetries: 2,
        requestTimeoutMs: 30_000,
      },
    });
  });

  it('reads every variable', () => {
    const config = loadGitHubConfig({
      GITHUB_TOKEN: SECRET,
      GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
      TERRAFORM_PATH: './infra/prod/',
      TERRAFIX_WORKSPACE_DIR: '/var/cache/terrafix',
      TERRAFIX_WORKSPACE_CACHE_REPOS: '3',
      TERRAFIX_GIT_TIMEOUT_MS: '5000',
      TERRAFIX_GITHUB_DRAFT: 'yes',
      TERRAFIX_GITHUB_LABELS: 'team:platform, needs-review ,,',
      TERRAFIX_GITHUB_LABEL_COLOR: '#ABCDEF',
      TERRAFIX_GITHUB_THROTTLE: 'false',
      TERRAFIX_GITHUB_WRITE_INTERVAL_MS: '0',
      TERRAFIX_GITHUB_PR_INTERVAL_MS: '0',
      TERRAFIX_GITHUB_RATE_LIMIT_RETRIES: '5',
      TERRAFIX_GITHUB_RATE_LIMIT_MAX_WAIT_MS: '900000',
      TERRAFIX_GITHUB_REQUEST_RETRIES: '0',
      TERRAFIX_GITHUB_TIMEOUT_MS: '10000',
      PATH: '/opt/git/bin',
    });
    expect(config).toMatchObject({
      apiUrl: 'https://ghe.example.com/api/v3',
      gitUrl: 'https://ghe.example.com',
      terraformPath: 'infra/prod',
      workspace: { dir: '/var/cache/terrafix', maxCachedRepos: 3, gitTimeoutMs: 5000, path: '/opt/git/bin' },
      publish: {
        draft: true,
        extraLabels: ['team:platform', 'needs-review'],
        labelColor: 'abcdef',
        throttle: {
          enabled: false,
          writeIntervalMs: 0,
          pullRequestIntervalMs: 0,
          rateLimitRetries: 5,
          maxWaitMs: 900_000,
        },
        requestRetries: 0,
        requestTimeoutMs: 10_000,
      },
    });
    expect(
      loadGitHubConfig({ GITHUB_TOKEN: SECRET, TERRAFIX_GIT_URL: 'http://127.0.0.1:4020/' }).gitUrl,
    ).toBe('http://127.0.0.1:4020');
  });

  it('derives the git host from the API URL', () => {
    expect(defaultGitUrl('https://api.github.com')).toBe('https://github.com');
    expect(defaultGitUrl('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
    expect(defaultGitUrl('http://127.0.0.1:4020')).toBe('http://127.0.0.1:4020');
  });

  it('requires GITHUB_TOKEN and never echoes it', () => {
    expect(configError({}).message).toContain('GITHUB_TOKEN');
    const bad = configError({ GITHUB_TOKEN: `${SECRET} injected\r\nX-Evil: 1` });
    expect(bad.field).toBe('GITHUB_TOKEN');
    expect(bad.message).not.toContain('secretvalue');
  });

  it.each([
    ['TERRAFORM_PATH', '../outside'],
    ['TERRAFORM_PATH', '/etc'],
    ['TERRAFORM_PATH', 'a/../../b'],
    ['GITHUB_API_URL', 'ftp://example.com'],
    ['GITHUB_API_URL', 'https://user:pass@example.com'],
    ['TERRAFIX_GIT_URL', 'not a url'],
    ['TERRAFIX_WORKSPACE_CACHE_REPOS', '0'],
    ['TERRAFIX_GITHUB_LABEL_COLOR', 'blue'],
    ['TERRAFIX_GITHUB_LABELS', 'x'.repeat(51)],
    ['TERRAFIX_GITHUB_REQUEST_RETRIES', '11'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    const error = configError({ GITHUB_TOKEN: SECRET, [name]: value });
    expect(error.field).toBe(name);
    expect(error.message).toContain(name);
    expect(error.message).not.toContain(SECRET);
  });
});
