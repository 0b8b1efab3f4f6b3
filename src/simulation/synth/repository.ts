/** Deterministic synthetic Terraform repositories, one per size, materialised in memory by mock checkouts. */
import { createHash } from 'node:crypto';
import { TerraFixError } from '../../pipeline/errors.js';
import type { RepoSize } from '../../pipeline/failure.js';
import { countResourceBlocks, generateFiles } from './assemble.js';
import { syntheticTargets, type SyntheticTarget } from './targets.js';

export type { SyntheticTarget } from './targets.js';
export { syntheticTargets } from './targets.js';

export interface SyntheticRepo {
  size: RepoSize;
  /** First 40 hex characters of a SHA-256 over every path and content, in path order. */
  revision: string;
  /** Relative POSIX path → content, sorted by path. Read-only: `set`, `delete` and `clear` throw. */
  files: ReadonlyMap<string, string>;
  targets: readonly SyntheticTarget[];
  resourceBlockCount: number;
}

const cache = new Map<RepoSize, SyntheticRepo>();

/** The synthetic repository of a size: generated once per process, identical in every process. */
export function syntheticRepository(size: RepoSize): SyntheticRepo {
  const cached = cache.get(size);
  if (cached !== undefined) return cached;
  const files = generateFiles(size);
  const targets = syntheticTargets(size);
  checkTargets(files, targets);
  const repo: SyntheticRepo = Object.freeze({
    size,
    revision: revisionOf(files),
    files: readOnlyMap(files),
    targets,
    resourceBlockCount: [...files.values()].reduce((n, text) => n + countResourceBlocks(text), 0),
  });
  cache.set(size, repo);
  return repo;
}

function revisionOf(files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  // NUL separators: no path or content contains one, so the byte stream is unambiguous.
  for (const [path, content] of files)
    hash.update(path, 'utf8').update('\0').update(content, 'utf8').update('\0');
  return hash.digest('hex').slice(0, 40);
}

function readOnlyMap(map: Map<string, string>): ReadonlyMap<string, string> {
  const refuse = (): never => {
    throw new TypeError('synthetic repository files are read-only; copy them into a workspace first');
  };
  for (const method of ['set', 'delete', 'clear']) {
    Object.defineProperty(map, method, { value: refuse, enumerable: false });
  }
  return Object.freeze(map);
}

/** Guards the generator's promise: each target's identity is written exactly once, in its block, in its file. */
function checkTargets(files: ReadonlyMap<string, string>, targets: readonly SyntheticTarget[]): void {
  const all = [...files.values()].join('\n');
  for (const target of targets) {
    const literal = `"${target.name}"`;
    const occurrences = all.split(literal).length - 1;
    const label = target.address.split('.').at(-1) ?? '';
    const declared = files.get(target.path)?.includes(`resource "${target.tfType}" "${label}" {`) ?? false;
    if (occurrences !== 1 || !declared) {
      throw new TerraFixError('TFX_INTERNAL', 'synthetic repository target is missing or not unique', {
        category: 'permanent',
        cause: { target: target.address, occurrences, declared },
      });
    }
  }
}
