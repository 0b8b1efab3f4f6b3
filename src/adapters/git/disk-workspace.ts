/**
 * A workspace on disk: a private copy of the Terraform root's `.tf` files, taken right after the clone cache was
 * synced. Each failure edits its own copy, so workspaces never share files, the cache can move on (or be evicted)
 * while a fix is being generated, and disposing is one `rm -rf`. Every path stays inside the copy: writes refuse
 * `..`, absolute paths and anything that resolves outside it.
 *
 * The copy is made of hard links where the file system allows (a third of the CPU of copying, no extra disk).
 * That is safe because nobody writes through a link: git replaces a file it updates (new inode, so `reset --hard`
 * in the cache leaves the workspace's file alone), and writeFile here writes a new file and renames it over the
 * old name. Where links fail (another file system), files are copied.
 */
import { randomUUID } from 'node:crypto';
import { readFile as readFileCallback } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
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

// The callback API costs a third of fs.promises.readFile's CPU for small files (one threadpool round trip).
const readText = promisify(readFileCallback);

/** Fills `target` with the files of `source` (relative paths): hard links where possible, copies otherwise. */
export async function linkOrCopyFiles(
  source: string,
  target: string,
  files: readonly string[],
): Promise<void> {
  const dirs = new Set(files.map((rel) => dirname(join(target, rel))));
  dirs.add(target);
  for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
  await Promise.all(
    files.map(async (rel) => {
      try {
        await link(join(source, rel), join(target, rel));
      } catch {
        await copyFile(join(source, rel), join(target, rel));
      }
    }),
  );
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
    const paths = await listTerraformFiles(this.dir);
    const contents = await Promise.all(paths.map((rel) => readText(join(this.dir, rel), 'utf8')));
    return new Map(paths.map((rel, i) => [rel, contents[i] ?? '']));
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
    // A new file renamed over the old name: never writes through a hard link into the clone cache.
    const temporary = `${target}.tfx-${randomUUID()}`;
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, target);
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
