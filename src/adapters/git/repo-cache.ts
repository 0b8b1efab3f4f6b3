/**
 * The clone cache: one shallow clone per repository under `<dir>/repos/<owner>/<name>`, brought up to date by
 * `fetch --depth 1` + `reset --hard` when it exists and cloned (into a temporary directory, then renamed, so a
 * half-done clone is never mistaken for a cache entry) when it does not. At most `maxRepos` clones are kept; the
 * least recently used ones are deleted. A per-repository lock serialises syncs of one repository and the reads
 * done right after a sync (workspaces copy their files under it), so two failures in one repository never see a
 * half-reset tree, while failures in different repositories run in parallel. One process per cache directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { TerraFixError } from '../../pipeline/errors.js';
import type { RepoRef } from '../../pipeline/ports.js';
import { GIT_ENV_ALLOWED, basicAuthorization, gitEnvironment } from './git-env.js';
import { translateGitError } from './git-errors.js';
import { KeyedLock } from './keyed-lock.js';
import { safeRepoSegment } from './safe-path.js';

export interface RepoCacheOptions {
  dir: string;
  maxRepos: number;
  token: string;
  /** Base URL of git remotes (`<gitUrl>/<owner>/<name>.git`). */
  gitUrl: string;
  timeoutMs: number;
  path?: string | undefined;
  /** Called after each clone, fetch and eviction (metrics hook). */
  onEvent?: (event: RepoCacheEvent) => void;
}

export interface RepoCacheEvent {
  kind: 'clone' | 'fetch' | 'evict' | 'reclone';
  repo: string;
  ms: number;
}

export interface SyncedRepo {
  /** Working tree of the clone, at `revision`. */
  dir: string;
  revision: string;
}

/** Git's words for a cache entry that cannot be trusted any more: re-clone it. */
const LOCAL_DAMAGE =
  /not a git repository|corrupt|bad object|index file|loose object|unable to read tree|shallow file/i;

export class RepoCache {
  private readonly lock = new KeyedLock();
  /** Cached repositories, least recently used first. */
  private readonly lru = new Map<string, string>();
  private ready: Promise<void> | undefined;
  private readonly env: Record<string, string>;
  private readonly secrets: string[];

  constructor(private readonly options: RepoCacheOptions) {
    this.env = gitEnvironment({
      token: options.token,
      gitUrl: options.gitUrl,
      home: join(options.dir, 'home'),
      path: options.path,
    });
    this.secrets = [options.token, basicAuthorization(options.token).slice('Basic '.length)];
  }

  /** Syncs `repo` and runs `read` on the fresh working tree while still holding the repository's lock. */
  async withRepo<T>(
    repo: RepoRef,
    signal: AbortSignal | undefined,
    read: (synced: SyncedRepo) => Promise<T>,
  ): Promise<T> {
    await this.init();
    const owner = safeRepoSegment(repo.owner, 'repository owner');
    const name = safeRepoSegment(repo.name, 'repository name');
    const key = `${owner}/${name}`.toLowerCase();
    const result = await this.lock.run(key, async () => {
      const synced = await this.sync(key, repo, signal);
      this.lru.delete(key);
      this.lru.set(key, synced.dir);
      return read(synced);
    });
    await this.evict();
    return result;
  }

  /** Repositories currently cached, least recently used first. */
  cached(): string[] {
    return [...this.lru.keys()];
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      // Leftovers of a crashed process: half-done clones.
      await rm(join(this.options.dir, 'tmp'), { recursive: true, force: true });
      await mkdir(join(this.options.dir, 'tmp'), { recursive: true });
      await mkdir(join(this.options.dir, 'home'), { recursive: true });
      const reposDir = join(this.options.dir, 'repos');
      await mkdir(reposDir, { recursive: true });
      const found: { key: string; dir: string; mtime: number }[] = [];
      for (const owner of await readdir(reposDir)) {
        for (const name of await readdir(join(reposDir, owner)).catch(() => [])) {
          const dir = join(reposDir, owner, name);
          found.push({ key: `${owner}/${name}`, dir, mtime: (await stat(dir)).mtimeMs });
        }
      }
      for (const f of found.sort((a, b) => a.mtime - b.mtime)) this.lru.set(f.key, f.dir);
    })();
    return this.ready;
  }

  private git(baseDir: string, signal: AbortSignal | undefined): SimpleGit {
    return simpleGit({
      baseDir,
      maxConcurrentProcesses: 1,
      timeout: { block: this.options.timeoutMs },
      allowEnvironment: GIT_ENV_ALLOWED,
      // Deliberate: these variables are ours (empty askpass, no global config, the header), not user input.
      unsafe: { allowUnsafeAskPass: true, allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true },
      ...(signal === undefined ? {} : { abort: signal }),
    }).env(this.env);
  }

  private async sync(key: string, repo: RepoRef, signal: AbortSignal | undefined): Promise<SyncedRepo> {
    const dir = join(this.options.dir, 'repos', key);
    const exists = await stat(join(dir, '.git')).then(
      () => true,
      () => false,
    );
    if (exists) {
      try {
        return await this.fetchAndReset(key, dir, repo, signal);
      } catch (error) {
        if (!(error instanceof TerraFixError) || error.category !== 'transient') throw error;
        if (!LOCAL_DAMAGE.test(String((error.cause as Error | undefined)?.message))) throw error;
        await rm(dir, { recursive: true, force: true });
        this.options.onEvent?.({ kind: 'reclone', repo: key, ms: 0 });
      }
    }
    return this.clone(key, dir, repo, signal);
  }

  private async clone(
    key: string,
    dir: string,
    repo: RepoRef,
    signal: AbortSignal | undefined,
  ): Promise<SyncedRepo> {
    const started = performance.now();
    const tmp = join(this.options.dir, 'tmp', randomUUID());
    const url = `${this.options.gitUrl}/${repo.owner}/${repo.name}.git`;
    const args = ['--depth', '1', '--single-branch', '--no-tags'];
    if (repo.baseBranch !== '') args.push('--branch', repo.baseBranch);
    try {
      await this.git(join(this.options.dir, 'tmp'), signal).clone(url, tmp, args);
      await mkdir(join(dir, '..'), { recursive: true });
      await rename(tmp, dir);
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw translateGitError(error, { op: 'clone', repo: key, secrets: this.secrets });
    }
    const revision = await this.revision(key, dir, signal);
    this.options.onEvent?.({ kind: 'clone', repo: key, ms: performance.now() - started });
    return { dir, revision };
  }

  private async fetchAndReset(
    key: string,
    dir: string,
    repo: RepoRef,
    signal: AbortSignal | undefined,
  ): Promise<SyncedRepo> {
    const started = performance.now();
    const git = this.git(dir, signal);
    const ref = repo.baseBranch === '' ? 'HEAD' : repo.baseBranch;
    try {
      await git.raw(['fetch', '--depth', '1', '--no-tags', 'origin', ref]);
      await git.raw(['reset', '--quiet', '--hard', 'FETCH_HEAD']);
      await git.raw(['clean', '-ffdxq']);
    } catch (error) {
      throw translateGitError(error, { op: 'fetch', repo: key, secrets: this.secrets });
    }
    const revision = await this.revision(key, dir, signal);
    this.options.onEvent?.({ kind: 'fetch', repo: key, ms: performance.now() - started });
    return { dir, revision };
  }

  private async revision(key: string, dir: string, signal: AbortSignal | undefined): Promise<string> {
    try {
      return (await this.git(dir, signal).revparse(['HEAD'])).trim();
    } catch (error) {
      throw translateGitError(error, { op: 'rev-parse', repo: key, secrets: this.secrets });
    }
  }

  /** Deletes least recently used clones beyond the bound; a repository in use is skipped, not waited for. */
  private async evict(): Promise<void> {
    for (const [key, dir] of this.lru) {
      if (this.lru.size <= this.options.maxRepos) return;
      if (this.lock.busy(key)) continue;
      this.lru.delete(key);
      await this.lock.run(key, async () => {
        const started = performance.now();
        await rm(dir, { recursive: true, force: true });
        this.options.onEvent?.({ kind: 'evict', repo: key, ms: performance.now() - started });
      });
    }
  }
}
