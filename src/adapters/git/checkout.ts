/**
 * RepoCheckout over git: sync the repository's clone in the cache (clone once, then fetch + hard reset), then copy
 * the Terraform root's `.tf` files into a private workspace while the repository's lock is held. Copies, not a
 * lock held for the whole remediation: the model call takes seconds to minutes, and failures in one busy
 * repository must not queue behind each other for that long; the copy is of Terraform text only (hard links
 * where possible), and it keeps every workspace consistent with the revision it reports.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { TerraFixError } from '../../pipeline/errors.js';
import type { CallContext, CheckoutRequest, RepoCheckout, Workspace } from '../../pipeline/ports.js';
import { DiskWorkspace, linkOrCopyFiles, listTerraformFiles } from './disk-workspace.js';
import { RepoCache, type RepoCacheEvent } from './repo-cache.js';
import { realpathInside, safeRelativePath } from './safe-path.js';

export interface GitCheckoutOptions {
  token: string;
  /** Base URL of git remotes, e.g. `https://github.com`. */
  gitUrl: string;
  /** TERRAFORM_PATH: the Terraform root inside each repository (`.` = repository root). */
  terraformPath: string;
  /** Holds `repos/` (the clone cache), `work/` (workspaces), `tmp/` and git's `home/`. */
  dir: string;
  maxCachedRepos: number;
  gitTimeoutMs: number;
  /** PATH searched for git. */
  path?: string | undefined;
  logger?: Logger | undefined;
  /** Metrics hook: every clone, fetch, re-clone and eviction. */
  onEvent?: (event: RepoCacheEvent) => void;
}

export class GitRepoCheckout implements RepoCheckout {
  private readonly cache: RepoCache;
  private readonly terraformPath: string;
  private workReady: Promise<void> | undefined;

  constructor(private readonly options: GitCheckoutOptions) {
    this.terraformPath =
      options.terraformPath === '.' ? '.' : safeRelativePath(options.terraformPath, 'TERRAFORM_PATH');
    this.cache = new RepoCache({
      dir: options.dir,
      maxRepos: options.maxCachedRepos,
      token: options.token,
      gitUrl: options.gitUrl.replace(/\/+$/, ''),
      timeoutMs: options.gitTimeoutMs,
      path: options.path,
      onEvent: (event) => {
        options.logger?.info({ git: event }, 'Workspace cache updated');
        options.onEvent?.(event);
      },
    });
  }

  async checkout(request: CheckoutRequest, ctx: CallContext): Promise<Workspace> {
    const work = join(this.options.dir, 'work');
    // Workspaces of a crashed process are garbage: start from an empty work/ once per process.
    this.workReady ??= (async () => {
      await rm(work, { recursive: true, force: true });
      await mkdir(work, { recursive: true });
    })();
    await this.workReady;
    const dir = join(work, randomUUID());
    const repoName = `${request.repo.owner}/${request.repo.name}`;
    try {
      const revision = await this.cache.withRepo(request.repo, ctx.signal, async (synced) => {
        const root = await this.terraformRoot(synced.dir, repoName);
        await linkOrCopyFiles(root, dir, await listTerraformFiles(root));
        return synced.revision;
      });
      return new DiskWorkspace(request.repo, revision, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Repositories in the clone cache, least recently used first. */
  cachedRepos(): string[] {
    return this.cache.cached();
  }

  /** The Terraform root inside the clone; it must be a directory whose real path stays in the repository. */
  private async terraformRoot(repoDir: string, repoName: string): Promise<string> {
    const candidate = this.terraformPath === '.' ? repoDir : join(repoDir, this.terraformPath);
    const real = await realpathInside(repoDir, candidate);
    const isDir = real !== undefined && (await stat(real)).isDirectory();
    if (real === undefined || !isDir) {
      throw new TerraFixError(
        'TFX_PERMANENT',
        `TERRAFORM_PATH "${this.terraformPath}" is not a directory inside ${repoName}`,
        { category: 'permanent', field: 'TERRAFORM_PATH' },
      );
    }
    return real;
  }
}
