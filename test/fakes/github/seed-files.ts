import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A directory's files (below 5 MB; `.git` and `.terraform` skipped), by relative POSIX path: a repo's seed. */
export async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === '.terraform') continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (await stat(full)).size < 5_000_000) {
        out[relative(dir, full).split(sep).join('/')] = await readFile(full, 'utf8');
      }
    }
  }
  await walk(dir);
  return out;
}
