/** Shared setup for the git adapter tests: a fake GitHub with one Terraform repository, a shim, a cache dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepoCheckout, type GitCheckoutOptions } from '../../../src/adapters/git/index.js';
import type { RepoCacheEvent } from '../../../src/adapters/git/repo-cache.js';
import type { Failure } from '../../../src/pipeline/failure.js';
import type { CallContext, CheckoutRequest, RepoRef } from '../../../src/pipeline/ports.js';
import type { FileSpec } from '../../fakes/github/bare-repo.js';
import { type FakeGitHub, startFakeGitHub } from '../../fakes/github/server.js';
import { createGitShim, type GitShim } from '../../support/git-shim.js';

export const TOKEN = 'tfxcanary-git-7d1c0ffee5badc0de4242';

export const INFRA_FILES: Record<string, FileSpec> = {
  'README.md': '# infra\n',
  'secret.tf': '# outside the Terraform root\n',
  'infra/main.tf': 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n',
  'infra/modules/net/sg.tf': 'resource "aws_security_group" "ssh" {\n  name = "ssh"\n}\n',
  'infra/.terraform/modules/cached.tf': '# provider cache, never listed\n',
  'infra/notes.md': 'not terraform\n',
  'infra/escape.tf': { symlink: '../secret.tf' },
  'infra/linked': { symlink: '../other' },
  'other/app.tf': '# another root\n',
};

export const FAILURE: Failure = {
  test_id: 's3-versioning-1',
  test_name: 'S3 Bucket Versioning',
  resource_arn: 'arn:aws:s3:::acme-logs',
  resource_type: 'AWS::S3::Bucket',
  failure_reason: 'versioning disabled',
  severity: 'high',
  framework: 'SOC2',
  failed_at: '2026-01-01T00:00:00Z',
  current_state: {},
  required_state: {},
  resource_id: null,
  resource_details: {},
};

export const CTX: CallContext = { key: 'a'.repeat(64), attempt: 1 };

export function request(repo: RepoRef): CheckoutRequest {
  return { repo, sizeHint: 'small', failure: FAILURE };
}

export interface GitWorld {
  fake: FakeGitHub;
  shim: GitShim;
  dir: string;
  events: RepoCacheEvent[];
  checkout(overrides?: Partial<GitCheckoutOptions>): GitRepoCheckout;
  close(): Promise<void>;
}

export async function gitWorld(): Promise<GitWorld> {
  const fake = await startFakeGitHub({ tokens: { [TOKEN]: 'write' } });
  await fake.createRepo('octo', 'infra', { files: INFRA_FILES });
  const shim = createGitShim();
  const dir = await mkdtemp(join(tmpdir(), 'tfx-workspaces-'));
  const events: RepoCacheEvent[] = [];
  return {
    fake,
    shim,
    dir,
    events,
    checkout: (overrides = {}) =>
      new GitRepoCheckout({
        token: TOKEN,
        gitUrl: fake.url,
        terraformPath: 'infra',
        dir,
        maxCachedRepos: 4,
        gitTimeoutMs: 20_000,
        path: shim.path,
        onEvent: (e) => events.push(e),
        ...overrides,
      }),
    async close() {
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
