/** Shared setup for the GitHub publisher tests: a fake GitHub with a Terraform repo and a fast publisher. */
import {
  GitHubPublisher,
  type GitHubPublisherOptions,
  type RateLimitEvent,
} from '../../../src/adapters/github/index.js';
import type { TerraFixError } from '../../../src/pipeline/errors.js';
import type { CallContext, PullRequestDraft } from '../../../src/pipeline/ports.js';
import { type FakeGitHub, startFakeGitHub } from '../../fakes/github/server.js';

export const TOKEN = 'tfxcanary-gh-5eed1e55c0ffee0ddba11';
export const READ_TOKEN = 'tfxcanary-ro-0000feedface';

export const BASE_FILES = {
  'README.md': '# infra\n',
  'infra/main.tf': 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n',
  'infra/network.tf': 'resource "aws_vpc" "main" {}\n',
};

export const FIXED =
  'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n\nresource "aws_s3_bucket_versioning" "logs" {}\n';

/** A publisher's options for tests against the fake: root `infra`, no draft, waits shrunk to milliseconds. */
export function publisherOptions(token: string, apiUrl: string) {
  return {
    token,
    apiUrl,
    terraformPath: 'infra',
    draft: false,
    extraLabels: [],
    labelColor: '0366d6',
    throttle: {
      enabled: true,
      writeIntervalMs: 0,
      pullRequestIntervalMs: 0,
      rateLimitRetries: 2,
      maxWaitMs: 60_000,
    },
    requestRetries: 2,
    requestTimeoutMs: 10_000,
    // Server-requested waits and retry backoff shrunk to milliseconds: tests never sleep for seconds.
    msPerSecond: 1,
    retryBaseMs: 1,
  };
}

export const CTX: CallContext = { key: 'b'.repeat(64), attempt: 1 };

export function draft(overrides: Partial<PullRequestDraft> = {}): PullRequestDraft {
  return {
    repo: { owner: 'octo', name: 'infra', baseBranch: 'main' },
    branch: 'terrafix/s3-bucket-versioning-bbbbbbbbbbbb',
    title: '🔴 [TerraFix] S3 Bucket Versioning',
    body: '## 🤖 Automated Compliance Remediation\n\nFixes: test-s3-versioning\n',
    commitMessage: 'fix(compliance): S3 Bucket Versioning\n\nAutomated fix.',
    changes: [{ path: 'main.tf', content: FIXED }],
    labels: ['compliance', 'terrafix', 'severity:high'],
    ...overrides,
  };
}

export interface GitHubWorld {
  fake: FakeGitHub;
  rateLimits: RateLimitEvent[];
  labelErrors: TerraFixError[];
  publisher(overrides?: Partial<GitHubPublisherOptions>): GitHubPublisher;
  close(): Promise<void>;
}

export async function githubWorld(): Promise<GitHubWorld> {
  const fake = await startFakeGitHub({ tokens: { [TOKEN]: 'write', [READ_TOKEN]: 'read' } });
  await fake.createRepo('octo', 'infra', {
    files: BASE_FILES,
    labels: [{ name: 'compliance', color: 'b60205' }],
  });
  const rateLimits: RateLimitEvent[] = [];
  const labelErrors: TerraFixError[] = [];
  return {
    fake,
    rateLimits,
    labelErrors,
    publisher: (overrides = {}) =>
      new GitHubPublisher({
        ...publisherOptions(TOKEN, fake.url),
        events: { rateLimit: (e) => rateLimits.push(e), labelFailed: (e) => labelErrors.push(e) },
        ...overrides,
      }),
    close: () => fake.close(),
  };
}
