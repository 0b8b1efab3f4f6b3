/**
 * A workspace on disk: a private copy of the Terraform root's `.tf` files, taken right after the clone cache was
 * synced. Each failure edits its own copy, so workspaces never share files, the cache can move on (or be evicted)
 * while a fix is being generated, and disposing is one `rm -rf`. Every path stays inside the copy: writes refuse
 * `..`, absolute paths and anything that resolves outside it.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TerraFixError } from '../../pipeline/errors.js';
import type { RepoRef, Workspace } from '../../pipeline/ports.js';
import { realpathInside, safeRelativePath } from './safe-path.js';

/** Directories never listed: provider caches and git internals. */
const SKIPPED_DIRS = new Set(['.terraform', '.git']);

/** Relative paths of the regular `.tf` files under `root`; symbolic links are never followed or listed. */
export async function listTerraformFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) await walk(join(dir, entry.name), rel);
      else if (entry.isFile() && entry.name.endsWith('.tf')) out.push(rel);
    }
  }
  await walk(root, '');
  return out;
}

export class DiskWorkspace implements Workspace {
  private disposed = false;

  constructor(
    readonly repo: RepoRef,
    readonly revision: string,
    /** The copy's root (owned by this workspace). */
    readonly dir: string,
  ) {}

  async terraformFiles(): Promise<ReadonlyMap<string, string>> {
    this.assertLive();
    const files = new Map<string, string>();
    for (const rel of await listTerraformFiles(this.dir)) {
      files.set(rel, await readFile(join(this.dir, rel), 'utf8'));
    }
    return files;
  }

  async writeFile(path: string, content: string): Promise<void> {
    this.assertLive();
    const rel = safeRelativePath(path, 'workspace path');
    const target = join(this.dir, rel);
    await mkdir(dirname(target), { recursive: true });
    if ((await realpathInside(this.dir, dirname(target))) === undefined) {
      throw new TerraFixError('TFX_INVALID_INPUT', 'workspace path resolves outside the Terraform root', {
        category: 'permanent',
        field: 'workspace path',
      });
    }
    await writeFile(target, content, 'utf8');
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('workspace used after dispose');
  }
}
