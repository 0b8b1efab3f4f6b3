/**
 * The fake GitHub itself: git smart HTTP (clone, fetch, push through `git http-backend`), its auth rules, and the
 * REST error shapes Octokit turns into RequestErrors. The adapters' tests cover the happy paths of the REST subset.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from './server.js';

const run = promisify(execFile);
const TOKEN = 'fake-test-token-123';
const READ = 'fake-read-token-456';

describe('fake GitHub', () => {
  let fake: FakeGitHub;
  let work: string;
  beforeEach(async () => {
    fake = await startFakeGitHub({ tokens: { [TOKEN]: 'write', [READ]: 'read' } });
    await fake.createRepo('octo', 'infra', { files: { 'main.tf': '# v1\n' } });
    work = await mkdtemp(join(tmpdir(), 'fake-gh-test-'));
  });
  afterEach(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  /** git with the token as an extraHeader (or a raw header value), no prompts, no user config. */
  function git(args: string[], options: { header?: string; cwd?: string } = {}) {
    const header = options.header ?? `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    return run('git', args, {
      cwd: options.cwd ?? work,
      env: {
        PATH: process.env.PATH,
        HOME: work,
        LC_ALL: 'C',
        GIT_TERMINAL_PROMPT: '0',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_COUNT: '3',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: ${header}`,
        GIT_CONFIG_KEY_1: 'user.name',
        GIT_CONFIG_VALUE_1: 'T',
        GIT_CONFIG_KEY_2: 'user.email',
        GIT_CONFIG_VALUE_2: 't@example.test',
      },
    });
  }

  it('serves clone, fetch and push over smart HTTP into the real bare repository', async () => {
    await git(['clone', `${fake.url}/octo/infra.git`, 'c']);
    const clone = join(work, 'c');
    expect(await readFile(join(clone, 'main.tf'), 'utf8')).toBe('# v1\n');
    await writeFile(join(clone, 'main.tf'), '# v2\n');
    await git(['commit', '-qam', 'v2'], { cwd: clone });
    await git(['push', 'origin', 'HEAD:refs/heads/feature'], { cwd: clone });
    const bare = fake.repo('octo', 'infra').bare;
    const pushed = await bare.resolveRef('refs/heads/feature');
    expect(await bare.readFile(pushed ?? '', 'main.tf')).toBe('# v2\n');
    await bare.commitFiles('main', { 'b.tf': '# b\n' }, 'b');
    await git(['fetch', 'origin', 'main'], { cwd: clone });
    expect((await git(['show', 'FETCH_HEAD:b.tf'], { cwd: clone })).stdout).toBe('# b\n');
    const gitCalls = fake.calls.filter((c) => c.kind === 'git');
    expect(gitCalls.some((c) => c.path.endsWith('git-receive-pack') && c.status === 200)).toBe(true);
    expect(gitCalls.every((c) => c.auth.via === 'header' && c.auth.valid === true)).toBe(true);
  });

  it('git: no credentials gets a Basic challenge; Bearer and wrong tokens are refused; read tokens cannot push', async () => {
    await expect(
      git(['clone', `${fake.url}/octo/infra.git`, 'a'], { header: 'Bearer ' + TOKEN }),
    ).rejects.toThrow(/could not read Username/);
    await expect(
      run('git', ['clone', `${fake.url}/octo/infra.git`, 'b'], {
        cwd: work,
        env: { PATH: process.env.PATH, HOME: work, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_GLOBAL: '/dev/null' },
      }),
    ).rejects.toThrow(/terminal prompts disabled/);
    const challenged = fake.calls.filter((c) => c.kind === 'git' && c.status === 401);
    expect(challenged.map((c) => [c.auth.via, c.auth.scheme])).toEqual([
      ['header', 'bearer'],
      ['none', undefined],
    ]);
    const readHeader = `Basic ${Buffer.from(`x-access-token:${READ}`).toString('base64')}`;
    await git(['clone', `${fake.url}/octo/infra.git`, 'r'], { header: readHeader });
    await git(['commit', '-q', '--allow-empty', '-m', 'x'], { cwd: join(work, 'r') });
    await expect(
      git(['push', 'origin', 'HEAD:refs/heads/x'], { cwd: join(work, 'r'), header: readHeader }),
    ).rejects.toThrow(/403/);
    await expect(git(['clone', `${fake.url}/octo/missing.git`, 'm'])).rejects.toThrow(/not found/);
  });

  it('REST errors have the shapes Octokit expects', async () => {
    const octokit = new Octokit({
      auth: TOKEN,
      baseUrl: fake.url,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const owner = 'octo';
    const repo = 'infra';
    const main = (await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;
    await expect(
      octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/main', sha: main }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Reference already exists'),
    });
    await expect(
      octokit.rest.pulls.create({ owner, repo, title: 't', head: 'main', base: 'main' }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('No commits between main and main'),
    });
    const bare = fake.repo(owner, repo).bare;
    await bare.updateRef('refs/heads/f', main, '');
    await bare.commitFiles('f', { 'x.tf': '#\n' }, 'x');
    expect(
      (await octokit.rest.pulls.create({ owner, repo, title: 't', head: 'f', base: 'main' })).status,
    ).toBe(201);
    const duplicate = await octokit.rest.pulls
      .create({ owner, repo, title: 't', head: 'octo:f', base: 'main' })
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({
      status: 422,
      message: expect.stringContaining('A pull request already exists for octo:f.'),
    });
    await octokit.rest.issues.createLabel({ owner, repo, name: 'x', color: 'ffffff' });
    await expect(
      octokit.rest.issues.createLabel({ owner, repo, name: 'X', color: 'ffffff' }),
    ).rejects.toMatchObject({
      status: 422,
    });
    await expect(octokit.rest.repos.get({ owner, repo: 'missing' })).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Not Found'),
    });
    const unauth = new Octokit({
      auth: 'nope',
      baseUrl: fake.url,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    await expect(unauth.rest.repos.get({ owner, repo })).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });
    const pulls = await octokit.rest.pulls.list({ owner, repo, head: 'octo:f', state: 'all' });
    expect(pulls.data.map((p) => p.head.ref)).toEqual(['f']);
    const closed = await octokit.rest.pulls.update({
      owner,
      repo,
      pull_number: pulls.data[0]?.number ?? 0,
      state: 'closed',
    });
    expect(closed.data.state).toBe('closed');
    expect((await octokit.rest.pulls.list({ owner, repo, head: 'octo:f' })).data).toEqual([]);
    // Every answer carries a request id and rate-limit headers.
    const response = await octokit.rest.repos.get({ owner, repo });
    expect(response.headers['x-github-request-id']).toBeTruthy();
    expect(response.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
  });

  it('answers scripted faults with GitHub’s rate-limit shapes, then recovers', async () => {
    const octokit = new Octokit({
      auth: TOKEN,
      baseUrl: fake.url,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    fake.inject({ method: 'GET', reply: { kind: 'secondary-rate-limit', retryAfterSeconds: 30 } });
    fake.inject({ method: 'GET', reply: { kind: 'primary-rate-limit', resetInSeconds: 90 } });
    fake.inject({ method: 'GET', reply: { kind: 'status', status: 502 } });
    const secondary = await octokit.rest.repos.get({ owner: 'octo', repo: 'infra' }).catch((e: unknown) => e);
    expect(secondary).toMatchObject({ status: 403, response: { headers: { 'retry-after': '30' } } });
    expect((secondary as Error).message).toMatch(/secondary rate limit/);
    const primary = await octokit.rest.repos.get({ owner: 'octo', repo: 'infra' }).catch((e: unknown) => e);
    expect(primary).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    expect(
      await octokit.rest.repos.get({ owner: 'octo', repo: 'infra' }).catch((e: unknown) => e),
    ).toMatchObject({ status: 502 });
    expect((await octokit.rest.repos.get({ owner: 'octo', repo: 'infra' })).status).toBe(200);
    expect(fake.calls.map((c) => c.fault)).toEqual([
      'secondary-rate-limit',
      'primary-rate-limit',
      'status',
      undefined,
    ]);
  });
});
