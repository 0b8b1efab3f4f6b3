/**
 * The token never leaks from the git and GitHub adapters. With GITHUB_TOKEN set to a recognisable value that the
 * text redactor does NOT know (so redaction cannot hide a leak), run clones, fetches, publishes and every failure
 * path, then search: the logs, the error messages (and their inspected cause chains), every file in the workspace
 * cache (every `.git/config` included), the fake's repositories, the PR bodies and the argv of every git process
 * the adapter spawned (PATH shim). And prove the token did arrive, as a header, on every git and API request.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepoCheckout } from '../../src/adapters/git/index.js';
import { GitHubPublisher } from '../../src/adapters/github/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github/server.js';
import { createGitShim, type GitShim } from '../support/git-shim.js';
import { CTX, FAILURE, INFRA_FILES } from './git/helpers.js';
import { draft } from './github/helpers.js';

const TOKEN = 'tfxcanary0token9c2f5e8a1b7d3e6f4a0';
const WRONG = 'tfxcanary0wrong7a7a7a7a7a7a7a';
const SECRETS = [TOKEN, WRONG, ...[TOKEN, WRONG].flatMap((t) => [b64(`x-access-token:${t}`), b64(t)])];

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

describe('no token leaks from the git and GitHub adapters', () => {
  let fake: FakeGitHub;
  let shim: GitShim;
  let cacheDir: string;
  const logLines: string[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    fake = await startFakeGitHub({ tokens: { [TOKEN]: 'write' } });
    await fake.createRepo('octo', 'infra', { files: INFRA_FILES });
    shim = createGitShim();
    cacheDir = join(fake.root, '..', `tfx-cache-${Date.now()}`);
    const logger = createLogger('trace', { write: (line: string) => logLines.push(line) });
    const checkoutWith = (token: string) =>
      new GitRepoCheckout({
        token,
        gitUrl: fake.url,
        terraformPath: 'infra',
        dir: cacheDir,
        maxCachedRepos: 1,
        gitTimeoutMs: 20_000,
        path: shim.path,
        logger,
      });
    const publisherWith = (token: string) =>
      new GitHubPublisher({
        token,
        apiUrl: fake.url,
        terraformPath: 'infra',
        draft: false,
        extraLabels: [],
        labelColor: '0366d6',
        throttle: {
          enabled: true,
          writeIntervalMs: 0,
          pullRequestIntervalMs: 0,
          rateLimitRetries: 1,
          maxWaitMs: 60_000,
        },
        requestRetries: 1,
        requestTimeoutMs: 10_000,
        msPerSecond: 1,
        retryBaseMs: 1,
        logger,
      });
    const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
        logger.error({ err: error }, 'Remediation step failed');
      }
    };
    const checkout = checkoutWith(TOKEN);
    const publisher = publisherWith(TOKEN);
    const repo = { owner: 'octo', name: 'infra', baseBranch: 'main' };

    // Happy paths: clone, fetch + reset, edit, publish, reuse.
    const ws = await checkout.checkout({ repo, sizeHint: 'small', failure: FAILURE }, CTX);
    await ws.writeFile('main.tf', 'resource "aws_s3_bucket" "logs" {}\n');
    const again = await checkout.checkout({ repo, sizeHint: 'small', failure: FAILURE }, CTX);
    const content = (await ws.terraformFiles()).get('main.tf') ?? '';
    await publisher.publish(draft({ changes: [{ path: 'main.tf', content }] }), CTX);
    await publisher.publish(draft(), CTX);
    await ws.dispose();
    await again.dispose();
    // Failure paths: wrong token (git and API), missing repository, 5xx, dropped connection, rate limit, eviction.
    await attempt(() => checkoutWith(WRONG).checkout({ repo, sizeHint: 'small', failure: FAILURE }, CTX));
    await attempt(() =>
      checkout.checkout({ repo: { ...repo, name: 'missing' }, sizeHint: 'small', failure: FAILURE }, CTX),
    );
    fake.inject({ target: 'git', reply: { kind: 'status', status: 502 } });
    await attempt(() => checkout.checkout({ repo, sizeHint: 'small', failure: FAILURE }, CTX));
    await fake.createRepo('octo', 'other', { files: { 'infra/x.tf': '# x\n' } });
    await checkout.checkout({ repo: { ...repo, name: 'other' }, sizeHint: 'small', failure: FAILURE }, CTX);
    await attempt(() => publisherWith(WRONG).publish(draft({ branch: 'terrafix/other-1' }), CTX));
    fake.inject({ method: 'POST', path: '/git/trees', times: 2, reply: { kind: 'status', status: 500 } });
    await attempt(() => publisher.publish(draft({ branch: 'terrafix/other-2' }), CTX));
    fake.inject({
      method: 'POST',
      path: '/git/trees',
      times: 2,
      reply: { kind: 'secondary-rate-limit', retryAfterSeconds: 1 },
    });
    await attempt(() => publisher.publish(draft({ branch: 'terrafix/other-3' }), CTX));
    fake.inject({ path: '/pulls', times: 2, reply: { kind: 'reset' } });
    await attempt(() => publisher.publish(draft({ branch: 'terrafix/other-4' }), CTX));
  }, 60_000);

  afterAll(async () => {
    await fake.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('the scenario really ran: errors of every kind, logs, git processes', () => {
    expect(errors.length).toBe(7);
    expect(fake.pendingFaults()).toBe(0);
    expect(errors.every((e) => e instanceof TerraFixError)).toBe(true);
    expect(new Set(errors.map((e) => (e as TerraFixError).category))).toEqual(
      new Set(['config', 'permanent', 'transient', 'throttled']),
    );
    expect(logLines.length).toBeGreaterThan(10);
    expect(shim.count('clone')).toBeGreaterThanOrEqual(3);
    expect(shim.count('fetch')).toBeGreaterThanOrEqual(1);
  });

  it('no error message, inspected error or cause chain contains the token', () => {
    for (const error of errors) {
      expect(leaks((error as Error).message)).toEqual([]);
      expect(leaks(String(error))).toEqual([]);
      expect(leaks(inspect(error, { depth: null, showHidden: false }))).toEqual([]);
    }
  });

  it('no log line contains the token', () => {
    expect(logLines.filter((line) => leaks(line).length > 0)).toEqual([]);
  });

  it('no file in the workspace cache contains the token; every .git/config is among them', async () => {
    const files = await filesUnder(cacheDir);
    const configs = files.filter((f) => f.endsWith(join('.git', 'config')));
    expect(configs.length).toBeGreaterThanOrEqual(1);
    for (const config of configs) {
      const text = await readFile(config, 'utf8');
      expect(text).toContain('[remote "origin"]');
      expect(text.toLowerCase()).not.toContain('extraheader');
      expect(text).not.toMatch(/\/\/[^/\s]*@/); // no credentials in the remote URL
    }
    const leaking: string[] = [];
    for (const file of files)
      if (leaks((await readFile(file)).toString('latin1')).length > 0) leaking.push(file);
    expect(leaking).toEqual([]);
  });

  it('nothing the fake stored (bare repositories, PR bodies) contains the token', async () => {
    const leaking: string[] = [];
    for (const file of await filesUnder(fake.root)) {
      if (leaks((await readFile(file)).toString('latin1')).length > 0) leaking.push(file);
    }
    expect(leaking).toEqual([]);
    for (const pull of fake.pulls('octo', 'infra'))
      expect(leaks(`${pull.title}\n${pull.body ?? ''}`)).toEqual([]);
  });

  it('no git process got the token on its command line; each got it through GIT_CONFIG_* in its environment', () => {
    const invocations = shim.invocations();
    expect(invocations.length).toBeGreaterThan(5);
    expect(leaks(shim.text())).toEqual([]);
    expect(invocations.every((i) => i.configCount === '1')).toBe(true);
    expect(invocations.flatMap((i) => i.args).some((a) => /extraheader|authorization/i.test(a))).toBe(false);
  });

  it('the token arrived at the fake as a header on every request: Basic for git, token for the API', () => {
    const gitCalls = fake.calls.filter((c) => c.kind === 'git');
    const apiCalls = fake.calls.filter((c) => c.kind === 'api');
    expect(gitCalls.length).toBeGreaterThan(5);
    expect(apiCalls.length).toBeGreaterThan(10);
    for (const call of fake.calls) {
      expect(call.auth.via, `${call.method} ${call.rawUrl}`).toBe('header');
      expect(leaks(call.rawUrl)).toEqual([]);
    }
    expect(new Set(gitCalls.map((c) => c.auth.scheme))).toEqual(new Set(['basic']));
    expect(new Set(apiCalls.map((c) => c.auth.scheme))).toEqual(new Set(['token']));
    // Sent up front (extraHeader), never after a 401 challenge as URL or helper credentials would be: the only
    // refused git requests are the ones that carried the wrong token.
    const refused = gitCalls.filter((c) => c.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((c) => c.auth.valid === false)).toBe(true);
    expect(gitCalls.filter((c) => c.auth.valid === true).every((c) => c.status !== 401)).toBe(true);
  });
});
