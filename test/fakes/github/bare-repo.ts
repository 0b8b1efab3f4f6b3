/**
 * A real bare git repository on disk, read and written by running git against it. The fake GitHub keeps every
 * branch, tree and commit here, so what the publisher creates through the REST API is a real git object that a
 * test can inspect with `git show`, and what a client clones over smart HTTP is the same data.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Environment for the fake's own git processes: no user or system config, fixed identity and dates. */
function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmpdir(),
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Fake GitHub',
    GIT_AUTHOR_EMAIL: 'fake@github.test',
    GIT_COMMITTER_NAME: 'Fake GitHub',
    GIT_COMMITTER_EMAIL: 'fake@github.test',
    ...extra,
  };
}

export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed (${String(code)}): ${stderr.trim()}`);
  }
}

/** Runs git in `cwd`; resolves with stdout, rejects with a GitCommandError. */
export function git(
  cwd: string,
  args: readonly string[],
  options: { input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = options.input;
    const child = spawn('git', args, {
      cwd,
      env: gitEnv(options.env),
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new GitCommandError(args, code, Buffer.concat(err).toString('utf8')));
    });
    if (input !== undefined && child.stdin !== null) {
      child.stdin.on('error', () => undefined); // git may exit before reading everything
      child.stdin.end(input);
    }
  });
}

export interface TreeEntryInput {
  path: string;
  mode: string;
  /** Blob sha, or null to delete the path. */
  sha?: string | null;
  /** Inline content (GitHub creates the blob). */
  content?: string;
}

/** A file to commit: its content, null to delete it, or a symbolic link to `symlink`. */
export type FileSpec = string | null | { symlink: string };

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
}

const SHA = /^[0-9a-f]{40}$/;

/** One bare repository: `<root>/<owner>/<name>.git`. */
export class BareRepo {
  constructor(readonly dir: string) {}

  static async create(dir: string, defaultBranch: string): Promise<BareRepo> {
    await mkdir(dir, { recursive: true });
    await git(dir, ['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, dir]);
    return new BareRepo(dir);
  }

  async hashBlob(content: string | Buffer): Promise<string> {
    return (await git(this.dir, ['hash-object', '-w', '--stdin'], { input: content })).trim();
  }

  async exists(sha: string, type?: 'blob' | 'tree' | 'commit'): Promise<boolean> {
    if (!SHA.test(sha)) return false;
    try {
      const actual = (await git(this.dir, ['cat-file', '-t', sha])).trim();
      return type === undefined || actual === type;
    } catch {
      return false;
    }
  }

  /** Builds a tree from `baseTree` (optional) plus entries, through a throwaway index file. */
  async createTree(baseTree: string | undefined, entries: readonly TreeEntryInput[]): Promise<string> {
    const index = join(tmpdir(), `fake-github-index-${randomUUID()}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      if (baseTree !== undefined) await git(this.dir, ['read-tree', baseTree], { env });
      // One `update-index --index-info` for all entries (mode 0 removes a path); works in a bare repository.
      const lines: string[] = [];
      for (const entry of entries) {
        if (entry.sha === null) {
          lines.push(`0 ${'0'.repeat(40)}\t${entry.path}`);
          continue;
        }
        const sha = entry.content !== undefined ? await this.hashBlob(entry.content) : entry.sha;
        if (sha === undefined) throw new Error(`tree entry ${entry.path} has neither sha nor content`);
        lines.push(`${entry.mode} ${sha}\t${entry.path}`);
      }
      if (lines.length > 0)
        await git(this.dir, ['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
      return (await git(this.dir, ['write-tree'], { env })).trim();
    } finally {
      await rm(index, { force: true });
    }
  }

  async createCommit(
    message: string,
    tree: string,
    parents: readonly string[],
    author?: { name: string; email: string },
  ): Promise<string> {
    const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])];
    const env = author === undefined ? {} : { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email };
    return (await git(this.dir, args, { input: message, env })).trim();
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    const raw = await git(this.dir, ['cat-file', 'commit', sha]);
    const [head = '', ...rest] = raw.split('\n\n');
    const parents: string[] = [];
    let tree = '';
    let author = { name: '', email: '', date: new Date(0).toISOString() };
    for (const line of head.split('\n')) {
      if (line.startsWith('tree ')) tree = line.slice(5);
      else if (line.startsWith('parent ')) parents.push(line.slice(7));
      else if (line.startsWith('author ')) {
        const m = /^author (.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line);
        if (m !== null)
          author = { name: m[1] ?? '', email: m[2] ?? '', date: new Date(Number(m[3]) * 1000).toISOString() };
      }
    }
    return { sha, tree, parents, message: rest.join('\n\n'), author };
  }

  /** Sha of a fully qualified ref (`refs/heads/main`), or undefined. */
  async resolveRef(ref: string): Promise<string | undefined> {
    try {
      return (await git(this.dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    } catch {
      return undefined;
    }
  }

  /** Moves (or creates, with `expectedOld` = '') a ref atomically; rejects when the old value does not match. */
  async updateRef(ref: string, sha: string, expectedOld?: string): Promise<void> {
    const args = ['update-ref', ref, sha];
    if (expectedOld !== undefined) args.push(expectedOld === '' ? '0'.repeat(40) : expectedOld);
    await git(this.dir, args);
  }

  async deleteRef(ref: string): Promise<void> {
    await git(this.dir, ['update-ref', '-d', ref]);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await git(this.dir, ['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** Content of `path` at `rev`, or undefined when absent. */
  async readFile(rev: string, path: string): Promise<string | undefined> {
    try {
      return await git(this.dir, ['show', `${rev}:${path}`]);
    } catch {
      return undefined;
    }
  }

  async listRefs(prefix = 'refs/heads/'): Promise<Map<string, string>> {
    const out = await git(this.dir, ['for-each-ref', '--format=%(refname) %(objectname)', prefix]);
    const refs = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [name, sha] = line.split(' ');
      if (name !== undefined && sha !== undefined && name !== '') refs.set(name, sha);
    }
    return refs;
  }

  async headBranch(): Promise<string> {
    return (await git(this.dir, ['symbolic-ref', '--short', 'HEAD'])).trim();
  }

  /** Commits `files` (path → content; null deletes; `{ symlink }` adds a link) on `branch`, on top of its head. */
  async commitFiles(
    branch: string,
    files: Readonly<Record<string, FileSpec>>,
    message: string,
  ): Promise<string> {
    const ref = `refs/heads/${branch}`;
    const parent = await this.resolveRef(ref);
    const baseTree = parent === undefined ? undefined : (await this.commitInfo(parent)).tree;
    const tree = await this.createTree(
      baseTree,
      Object.entries(files).map(([path, spec]): TreeEntryInput => {
        if (spec === null) return { path, mode: '100644', sha: null };
        if (typeof spec === 'string') return { path, mode: '100644', content: spec };
        return { path, mode: '120000', content: spec.symlink };
      }),
    );
    const sha = await this.createCommit(message, tree, parent === undefined ? [] : [parent]);
    await this.updateRef(ref, sha, parent ?? '');
    return sha;
  }
}
