/**
 * Real mode's git and GitHub settings: the token, the API (GitHub Enterprise through GITHUB_API_URL), the
 * Terraform root inside each repository, the workspace cache, and how pull requests are published and throttled.
 * Errors name the variable, never its value (GITHUB_TOKEN is a secret).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { envBoolean, envInt } from './env-parsers.js';
import { type Env, loadEnv } from './load.js';

/** Printable ASCII without spaces: anything else could split an HTTP header. */
const envToken = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const envHttpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (
        (u.protocol === 'https:' || u.protocol === 'http:') &&
        u.username === '' &&
        u.password === '' &&
        u.search === ''
      );
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials or query')
  .transform((v) => v.replace(/\/+$/, ''));

/** A relative path inside the repository; `.` is the repository root. */
export const envTerraformPath = z
  .string()
  .trim()
  .transform(
    (v) =>
      v
        .replace(/\/+/g, '/')
        .replace(/^(\.\/)+/, '')
        .replace(/\/+$/, '') || '.',
  )
  .refine(
    (v) => !v.startsWith('/') && !v.includes('\\') && !v.includes('\0') && !v.split('/').includes('..'),
    "must be a relative path inside the repository (no '..', not absolute)",
  );

const envLabels = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  )
  .refine((labels) => labels.every((l) => l.length <= 50), 'each label must be at most 50 characters');

export const githubEnvSchema = z.object({
  GITHUB_TOKEN: envToken,
  GITHUB_API_URL: envHttpUrl.default('https://api.github.com'),
  TERRAFIX_GIT_URL: envHttpUrl.optional(),
  TERRAFORM_PATH: envTerraformPath.default('.'),
  TERRAFIX_WORKSPACE_DIR: z.string().trim().min(1).optional(),
  TERRAFIX_WORKSPACE_CACHE_REPOS: envInt(1, 1_000).default(8),
  TERRAFIX_GIT_TIMEOUT_MS: envInt(1_000, 3_600_000).default(120_000),
  TERRAFIX_GITHUB_DRAFT: envBoolean.default(false),
  TERRAFIX_GITHUB_LABELS: envLabels.default([]),
  TERRAFIX_GITHUB_LABEL_COLOR: z
    .string()
    .trim()
    .regex(/^#?[0-9a-fA-F]{6}$/, 'must be a 6-digit hex colour')
    .transform((v) => v.replace(/^#/, '').toLowerCase())
    .default('0366d6'),
  TERRAFIX_GITHUB_THROTTLE: envBoolean.default(true),
  TERRAFIX_GITHUB_WRITE_INTERVAL_MS: envInt(0, 60_000).default(1_000),
  TERRAFIX_GITHUB_PR_INTERVAL_MS: envInt(0, 60_000).default(3_000),
  TERRAFIX_GITHUB_RATE_LIMIT_RETRIES: envInt(0, 10).default(2),
  TERRAFIX_GITHUB_RATE_LIMIT_MAX_WAIT_MS: envInt(0, 3_600_000).default(60_000),
  TERRAFIX_GITHUB_REQUEST_RETRIES: envInt(0, 10).default(2),
  TERRAFIX_GITHUB_TIMEOUT_MS: envInt(1_000, 600_000).default(30_000),
  PATH: z.string().optional(),
});

export interface GitHubConfig {
  /** Secret: never log it (the logger redacts fields named `token`). */
  token: string;
  apiUrl: string;
  /** Base URL of git remotes: `<gitUrl>/<owner>/<name>.git`. */
  gitUrl: string;
  /** Terraform root inside each repository, normalised (`.` = repository root). */
  terraformPath: string;
  workspace: {
    /** Holds the clone cache (`repos/`) and per-failure workspaces (`work/`). */
    dir: string;
    /** Repositories kept cloned (least recently used evicted beyond it). */
    maxCachedRepos: number;
    gitTimeoutMs: number;
    /** Searched for the git binary. */
    path: string | undefined;
  };
  publish: {
    draft: boolean;
    /** Added to the labels the pipeline chooses. */
    extraLabels: string[];
    /** Colour of labels TerraFix creates. */
    labelColor: string;
    throttle: {
      enabled: boolean;
      /** Minimum spacing of write requests (Octokit's write limiter). */
      writeIntervalMs: number;
      /** Minimum spacing of notification-triggering writes (creating a PR). */
      pullRequestIntervalMs: number;
      /** Rate-limit waits the client sits out before the error surfaces as throttled. */
      rateLimitRetries: number;
      /** A rate-limit wait longer than this is not sat out by the client. */
      maxWaitMs: number;
    };
    /** Retries of one request on 5xx and network errors (Octokit's retry plugin). */
    requestRetries: number;
    requestTimeoutMs: number;
  };
}

/** git remotes follow the API host: api.github.com → github.com, GHES `https://h/api/v3` → `https://h`. */
export function defaultGitUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  const path = url.pathname.replace(/\/+$/, '');
  return url.origin + (path.endsWith('/api/v3') ? path.slice(0, -'/api/v3'.length) : path);
}

/** Real mode's git and GitHub configuration from `env`; throws a TFX_CONFIG error naming each bad variable. */
export function loadGitHubConfig(env: Env): GitHubConfig {
  const e = loadEnv(githubEnvSchema, env);
  return {
    token: e.GITHUB_TOKEN,
    apiUrl: e.GITHUB_API_URL,
    gitUrl: e.TERRAFIX_GIT_URL ?? defaultGitUrl(e.GITHUB_API_URL),
    terraformPath: e.TERRAFORM_PATH,
    workspace: {
      dir: e.TERRAFIX_WORKSPACE_DIR ?? join(tmpdir(), 'terrafix-workspaces'),
      maxCachedRepos: e.TERRAFIX_WORKSPACE_CACHE_REPOS,
      gitTimeoutMs: e.TERRAFIX_GIT_TIMEOUT_MS,
      path: e.PATH,
    },
    publish: {
      draft: e.TERRAFIX_GITHUB_DRAFT,
      extraLabels: e.TERRAFIX_GITHUB_LABELS,
      labelColor: e.TERRAFIX_GITHUB_LABEL_COLOR,
      throttle: {
        enabled: e.TERRAFIX_GITHUB_THROTTLE,
        writeIntervalMs: e.TERRAFIX_GITHUB_WRITE_INTERVAL_MS,
        pullRequestIntervalMs: e.TERRAFIX_GITHUB_PR_INTERVAL_MS,
        rateLimitRetries: e.TERRAFIX_GITHUB_RATE_LIMIT_RETRIES,
        maxWaitMs: e.TERRAFIX_GITHUB_RATE_LIMIT_MAX_WAIT_MS,
      },
      requestRetries: e.TERRAFIX_GITHUB_REQUEST_RETRIES,
      requestTimeoutMs: e.TERRAFIX_GITHUB_TIMEOUT_MS,
    },
  };
}
