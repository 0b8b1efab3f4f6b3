/**
 * What the fake GitHub remembers besides git data: repositories (each a real bare repo), pull requests and labels.
 */
import { join } from 'node:path';
import { BareRepo, type FileSpec } from './bare-repo.js';

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface FakePull {
  number: number;
  title: string;
  body: string | null;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  /** Branch name in this repository. */
  head: string;
  base: string;
  headSha: string;
  labels: string[];
  createdAt: string;
  closedAt: string | null;
  /** Bodies of the issue comments posted on the PR, in order. */
  comments?: string[];
}

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  bare: BareRepo;
  pulls: FakePull[];
  labels: Map<string, FakeLabel>;
  nextNumber: number;
}

export interface CreateRepoOptions {
  defaultBranch?: string;
  /** Files of the first commit on the default branch (path → content, or a symlink). */
  files?: Readonly<Record<string, FileSpec>>;
  private?: boolean;
  labels?: readonly { name: string; color: string }[];
}

export class FakeGitHubState {
  readonly repos = new Map<string, FakeRepo>();
  private nextId = 1;

  constructor(readonly root: string) {}

  key(owner: string, name: string): string {
    return `${owner}/${name}`.toLowerCase();
  }

  get(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(this.key(owner, name));
  }

  async createRepo(owner: string, name: string, options: CreateRepoOptions = {}): Promise<FakeRepo> {
    const defaultBranch = options.defaultBranch ?? 'main';
    const bare = await BareRepo.create(join(this.root, owner, `${name}.git`), defaultBranch);
    if (options.files !== undefined) await bare.commitFiles(defaultBranch, options.files, 'Initial commit');
    const repo: FakeRepo = {
      id: this.nextId++,
      owner,
      name,
      private: options.private ?? true,
      bare,
      pulls: [],
      labels: new Map(),
      nextNumber: 1,
    };
    for (const label of options.labels ?? []) this.addLabel(repo, label.name, label.color);
    this.repos.set(this.key(owner, name), repo);
    return repo;
  }

  addLabel(repo: FakeRepo, name: string, color: string, description: string | null = null): FakeLabel {
    const label = { id: this.nextId++, name, color, description };
    repo.labels.set(name.toLowerCase(), label);
    return label;
  }
}
