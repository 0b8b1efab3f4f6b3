import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiskWorkspace } from '../../../src/adapters/git/index.js';
import { TerraFixError } from '../../../src/pipeline/errors.js';
import { rejection } from '../../support/rejection.js';
import { CTX, type GitWorld, gitWorld, request } from './helpers.js';

const REPO = { owner: 'octo', name: 'infra', baseBranch: 'main' };

/** Bytes under `dir` (du -sb). */
function diskBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

describe('GitRepoCheckout against the fake GitHub (real git over smart HTTP)', () => {
  let world: GitWorld;
  beforeEach(async () => {
    world = await gitWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('shallow-clones the base branch and lists the .tf files under TERRAFORM_PATH only', async () => {
    const checkout = world.checkout();
    const ws = await checkout.checkout(request(REPO), CTX);
    const head = await world.fake.repo('octo', 'infra').bare.resolveRef('refs/heads/main');
    expect(ws.revision).toBe(head);
    const files = await ws.terraformFiles();
    // Not listed: README/notes (not .tf), .terraform/, other/ and secret.tf (outside the root), and the two
    // symbolic links (escape.tf → ../secret.tf, linked → ../other), which are never followed.
    expect([...files.keys()]).toEqual(['main.tf', 'modules/net/sg.tf']);
    expect(files.get('main.tf')).toContain('bucket = "acme-logs"');

    const clone = world.shim.invocations().find((i) => i.args[0] === 'clone');
    expect(clone?.args).toEqual(
      expect.arrayContaining(['--depth', '1', '--single-branch', '--branch', 'main']),
    );
    const cacheDir = join(world.dir, 'repos', 'octo', 'infra');
    expect(
      execFileSync('git', ['rev-parse', '--is-shallow-repository'], {
        cwd: cacheDir,
        encoding: 'utf8',
      }).trim(),
    ).toBe('true');
    expect(world.events.map((e) => e.kind)).toEqual(['clone']);
    await ws.dispose();
  });

  it('a later checkout of the same repository fetches and hard-resets instead of cloning', async () => {
    const checkout = world.checkout();
    const first = await checkout.checkout(request(REPO), CTX);
    await first.dispose();
    // The remote moves on, and the cached working tree got dirty meanwhile.
    const bare = world.fake.repo('octo', 'infra').bare;
    const next = await bare.commitFiles(
      'main',
      { 'infra/main.tf': 'resource "aws_s3_bucket" "logs" {}\n', 'infra/new.tf': '# new\n' },
      'next',
    );
    const cacheDir = join(world.dir, 'repos', 'octo', 'infra');
    await writeFile(join(cacheDir, 'infra', 'main.tf'), 'garbage');
    await writeFile(join(cacheDir, 'infra', 'untracked.tf'), 'garbage');

    const second = await checkout.checkout(request(REPO), CTX);
    expect(second.revision).toBe(next);
    const files = await second.terraformFiles();
    expect([...files.keys()]).toEqual(['main.tf', 'modules/net/sg.tf', 'new.tf']);
    expect(files.get('main.tf')).toBe('resource "aws_s3_bucket" "logs" {}\n');
    expect(world.shim.count('clone')).toBe(1);
    expect(world.shim.count('fetch')).toBe(1);
    expect(world.shim.count('reset')).toBe(1);
    expect(world.events.map((e) => e.kind)).toEqual(['clone', 'fetch']);
    // Both syncs talked to the server (ref advertisement each time), not just to the local cache.
    expect(world.fake.calls.filter((c) => c.kind === 'git' && c.path.endsWith('info/refs'))).toHaveLength(2);
    await second.dispose();
  });

  it('an empty base branch clones and fetches the remote default branch', async () => {
    const checkout = world.checkout();
    const repo = { ...REPO, baseBranch: '' };
    const ws = await checkout.checkout(request(repo), CTX);
    expect(ws.revision).toBe(await world.fake.repo('octo', 'infra').bare.resolveRef('refs/heads/main'));
    const again = await checkout.checkout(request(repo), CTX);
    expect(again.revision).toBe(ws.revision);
    expect(
      world.shim
        .invocations()
        .find((i) => i.args[0] === 'fetch')
        ?.args.at(-1),
    ).toBe('HEAD');
  });

  it('workspaces are private copies: writes stay in their own copy and inside the root', async () => {
    const checkout = world.checkout();
    const a = (await checkout.checkout(request(REPO), CTX)) as DiskWorkspace;
    const b = (await checkout.checkout(request(REPO), CTX)) as DiskWorkspace;
    expect(a.dir).not.toBe(b.dir);
    await a.writeFile('main.tf', 'fixed\n');
    await a.writeFile('modules/new/extra.tf', 'extra\n');
    expect((await a.terraformFiles()).get('main.tf')).toBe('fixed\n');
    expect((await a.terraformFiles()).get('modules/new/extra.tf')).toBe('extra\n');
    expect((await b.terraformFiles()).get('main.tf')).toContain('acme-logs');
    const cached = await readFile(join(world.dir, 'repos', 'octo', 'infra', 'infra', 'main.tf'), 'utf8');
    expect(cached).toContain('acme-logs');

    for (const bad of ['../escape.tf', '/etc/passwd', 'modules/../../x.tf', 'a\\..\\b.tf', '', 'x\0.tf']) {
      const error = await rejection(a.writeFile(bad, 'owned'));
      expect(error, bad).toBeInstanceOf(TerraFixError);
      expect(error).toMatchObject({ code: 'TFX_INVALID_INPUT' });
    }
    expect(existsSync(join(world.dir, 'work', 'escape.tf'))).toBe(false);

    await a.dispose();
    await a.dispose();
    expect(existsSync(a.dir)).toBe(false);
    await expect(a.terraformFiles()).rejects.toThrow('after dispose');
    expect((await b.terraformFiles()).size).toBe(2);
  });

  it('a workspace keeps its revision while later checkouts reset the cache under it', async () => {
    const checkout = world.checkout();
    const held = await checkout.checkout(request(REPO), CTX);
    const bare = world.fake.repo('octo', 'infra').bare;
    await bare.commitFiles('main', { 'infra/main.tf': '# v2\n', 'infra/modules/net/sg.tf': null }, 'v2');
    const later = await checkout.checkout(request(REPO), CTX);
    expect((await later.terraformFiles()).get('main.tf')).toBe('# v2\n');
    const files = await held.terraformFiles();
    expect(files.get('main.tf')).toContain('acme-logs');
    expect(files.has('modules/net/sg.tf')).toBe(true);
    // And edits in the newer workspace never reach the cache's files (which the held one may share).
    await later.writeFile('main.tf', '# edited\n');
    const cached = await readFile(join(world.dir, 'repos', 'octo', 'infra', 'infra', 'main.tf'), 'utf8');
    expect(cached).toBe('# v2\n');
  });

  it('refuses a TERRAFORM_PATH that escapes the repository, is missing, or uses ..', async () => {
    await world.fake
      .repo('octo', 'infra')
      .bare.commitFiles('main', { 'tf-out': { symlink: '../../..' } }, 'link');
    const outside = await rejection(world.checkout({ terraformPath: 'tf-out' }).checkout(request(REPO), CTX));
    expect(outside).toMatchObject({ code: 'TFX_PERMANENT', category: 'permanent', field: 'TERRAFORM_PATH' });
    expect((outside as Error).message).toContain('TERRAFORM_PATH "tf-out"');

    const missing = await rejection(world.checkout({ terraformPath: 'nope' }).checkout(request(REPO), CTX));
    expect(missing).toMatchObject({ code: 'TFX_PERMANENT', field: 'TERRAFORM_PATH' });

    expect(() => world.checkout({ terraformPath: '../infra' })).toThrow(TerraFixError);
    // Workspaces of refused checkouts are not left behind.
    expect(await readdir(join(world.dir, 'work'))).toEqual([]);
  });

  it('the repository root is the default root', async () => {
    const ws = await world.checkout({ terraformPath: '.' }).checkout(request(REPO), CTX);
    expect([...(await ws.terraformFiles()).keys()]).toEqual([
      'infra/main.tf',
      'infra/modules/net/sg.tf',
      'other/app.tf',
      'secret.tf',
    ]);
  });

  it('keeps at most maxCachedRepos clones: the least recently used is deleted from disk', async () => {
    for (const name of ['b', 'c'])
      await world.fake.createRepo('octo', name, { files: { 'infra/main.tf': `# ${name}\n`.repeat(2000) } });
    const checkout = world.checkout({ maxCachedRepos: 2 });
    const a = await checkout.checkout(request(REPO), CTX);
    await checkout.checkout(request({ ...REPO, name: 'b' }), CTX);
    const reposDir = join(world.dir, 'repos');
    const aDir = join(reposDir, 'octo', 'infra');
    const aBytes = diskBytes(aDir);
    const before = diskBytes(reposDir);
    expect(checkout.cachedRepos()).toEqual(['octo/infra', 'octo/b']);

    await checkout.checkout(request({ ...REPO, name: 'c' }), CTX);
    expect(existsSync(aDir)).toBe(false);
    expect(checkout.cachedRepos()).toEqual(['octo/b', 'octo/c']);
    expect(diskBytes(reposDir)).toBeLessThan(before - aBytes + diskBytes(join(reposDir, 'octo', 'c')) + 4096);
    expect(world.events.filter((e) => e.kind === 'evict').map((e) => e.repo)).toEqual(['octo/infra']);
    // A workspace taken before the eviction is a copy and still works.
    expect((await a.terraformFiles()).size).toBe(2);

    // Touching b makes c the least recently used.
    await checkout.checkout(request({ ...REPO, name: 'b' }), CTX);
    await checkout.checkout(request(REPO), CTX);
    expect(checkout.cachedRepos()).toEqual(['octo/b', 'octo/infra']);
  });

  it('concurrent checkouts of one repository share one clone and get consistent, separate workspaces', async () => {
    const checkout = world.checkout();
    const spaces = await Promise.all([1, 2, 3, 4].map(() => checkout.checkout(request(REPO), CTX)));
    expect(world.shim.count('clone')).toBe(1);
    expect(world.shim.count('fetch')).toBe(3);
    expect(new Set(spaces.map((s) => s.revision)).size).toBe(1);
    expect(new Set(spaces.map((s) => (s as DiskWorkspace).dir)).size).toBe(4);
    await Promise.all(spaces.map((s, i) => s.writeFile('main.tf', `edit ${i}\n`)));
    for (const [i, s] of spaces.entries())
      expect((await s.terraformFiles()).get('main.tf')).toBe(`edit ${i}\n`);
    // The remote advancing between concurrent syncs never mixes revisions within a workspace.
    const bare = world.fake.repo('octo', 'infra').bare;
    const [x, , y] = await Promise.all([
      checkout.checkout(request(REPO), CTX),
      bare.commitFiles('main', { 'infra/main.tf': '# v2\n', 'infra/v2.tf': '# v2\n' }, 'v2'),
      checkout.checkout(request(REPO), CTX),
    ]);
    for (const ws of [x, y]) {
      const files = await ws.terraformFiles();
      const isV2 = files.has('v2.tf');
      expect(files.get('main.tf')?.startsWith('# v2')).toBe(isV2);
      const atRevision = await bare.readFile(ws.revision, 'infra/main.tf');
      expect(files.get('main.tf')).toBe(atRevision);
    }
  });

  it('re-clones a damaged cache entry', async () => {
    const checkout = world.checkout();
    await checkout.checkout(request(REPO), CTX);
    await rm(join(world.dir, 'repos', 'octo', 'infra', '.git', 'HEAD'));
    const ws = await checkout.checkout(request(REPO), CTX);
    expect((await ws.terraformFiles()).size).toBe(2);
    expect(world.events.map((e) => e.kind)).toEqual(['clone', 'reclone', 'clone']);
  });

  describe('translates git failures', () => {
    it('a bad token is an auth (config) error that names GITHUB_TOKEN, never the token', async () => {
      const error = await rejection(
        world.checkout({ token: 'tfxcanary-wrong-token-000' }).checkout(request(REPO), CTX),
      );
      expect(error).toBeInstanceOf(TerraFixError);
      expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
      expect((error as Error).message).toContain('GITHUB_TOKEN');
      expect((error as Error).message).not.toContain('tfxcanary');
      expect(await readdir(join(world.dir, 'tmp'))).toEqual([]);
    });

    it('a 5xx from the server is transient', async () => {
      world.fake.inject({ target: 'git', path: 'info/refs', reply: { kind: 'status', status: 502 } });
      const error = await rejection(world.checkout().checkout(request(REPO), CTX));
      expect(error).toMatchObject({ code: 'TFX_TRANSIENT', category: 'transient' });
      expect(error.retryable).toBe(true);
    });

    it('a 5xx during a cached fetch is transient too, and the cache stays usable', async () => {
      const checkout = world.checkout();
      await checkout.checkout(request(REPO), CTX);
      world.fake.inject({ target: 'git', path: 'git-upload-pack', reply: { kind: 'status', status: 503 } });
      expect(await rejection(checkout.checkout(request(REPO), CTX))).toMatchObject({ category: 'transient' });
      expect((await checkout.checkout(request(REPO), CTX)).revision).toHaveLength(40);
      expect(world.shim.count('clone')).toBe(1);
    });

    it('a dropped connection is transient', async () => {
      world.fake.inject({ target: 'git', reply: { kind: 'reset' } });
      expect(await rejection(world.checkout().checkout(request(REPO), CTX))).toMatchObject({
        category: 'transient',
      });
    });

    it('an unreachable server is transient', async () => {
      const closed = await world.fake.close().then(() => world.fake.url);
      const error = await rejection(world.checkout({ gitUrl: closed }).checkout(request(REPO), CTX));
      expect(error).toMatchObject({ code: 'TFX_TRANSIENT', category: 'transient' });
    });

    it('a missing repository or branch is permanent', async () => {
      const repo = await rejection(world.checkout().checkout(request({ ...REPO, name: 'missing' }), CTX));
      expect(repo).toMatchObject({ code: 'TFX_PERMANENT', category: 'permanent' });
      const branch = await rejection(
        world.checkout().checkout(request({ ...REPO, baseBranch: 'nope' }), CTX),
      );
      expect(branch).toMatchObject({ code: 'TFX_PERMANENT', category: 'permanent' });
    });

    it('an invalid repository name never reaches git', async () => {
      const error = await rejection(world.checkout().checkout(request({ ...REPO, name: '../etc' }), CTX));
      expect(error).toMatchObject({ code: 'TFX_INVALID_INPUT', category: 'permanent' });
      expect(world.shim.invocations()).toEqual([]);
    });

    it('an aborted call stops git and leaves no half-done clone', async () => {
      const controller = new AbortController();
      controller.abort(new Error('shutdown'));
      const error = await rejection(
        world.checkout().checkout(request(REPO), { ...CTX, signal: controller.signal }),
      );
      expect(error).toBeInstanceOf(TerraFixError);
      expect(await readdir(join(world.dir, 'tmp'))).toEqual([]);
      expect((await stat(join(world.dir, 'repos'))).isDirectory()).toBe(true);
      expect(await readdir(join(world.dir, 'repos'))).toEqual([]);
    });
  });
});
