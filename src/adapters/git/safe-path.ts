/**
 * Paths that must stay inside a directory: the Terraform root inside a repository, a file inside a workspace.
 * Relative POSIX paths only; `..`, absolute paths, backslashes and NUL are refused before touching the disk, and
 * real paths are compared after resolving symbolic links.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { TerraFixError } from '../../pipeline/errors.js';

/** Normalised relative path (`a/b.tf`), or a permanent TFX_INVALID_INPUT error naming what is wrong. */
export function safeRelativePath(path: string, what: string): string {
  const cleaned = path.replace(/\/+/g, '/').replace(/^(\.\/)+/, '');
  const parts = cleaned.split('/').filter((p) => p !== '' && p !== '.');
  if (
    path.startsWith('/') ||
    isAbsolute(path) ||
    path.includes('\\') ||
    path.includes('\0') ||
    parts.includes('..') ||
    parts.length === 0
  ) {
    throw new TerraFixError(
      'TFX_INVALID_INPUT',
      `${what} must be a relative path inside the Terraform root`,
      {
        category: 'permanent',
        field: what,
      },
    );
  }
  return parts.join('/');
}

/** True when `child` is `parent` or below it (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Resolves symbolic links in `path` and checks the result stays inside `root` (itself resolved). */
export async function realpathInside(root: string, path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path);
    return isInside(await realpath(root), real) ? real : undefined;
  } catch {
    return undefined;
  }
}

/** GitHub owner and repository names: letters, digits, `.`, `_`, `-` (not `.` or `..`). */
export function safeRepoSegment(name: string, what: string): string {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name) || name === '.' || name === '..') {
    throw new TerraFixError('TFX_INVALID_INPUT', `${what} is not a valid GitHub name`, {
      category: 'permanent',
      field: what,
    });
  }
  return name;
}
