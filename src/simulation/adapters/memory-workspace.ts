import type { RepoRef, Workspace } from '../../pipeline/ports.js';

/**
 * A workspace kept in memory: a shared, read-only base tree plus this checkout's own edits (copy on write),
 * so thousands of concurrent checkouts of one synthetic repository cost one copy of it.
 */
export class MemoryWorkspace implements Workspace {
  private edits: Map<string, string> | undefined;
  private disposed = false;

  constructor(
    readonly repo: RepoRef,
    readonly revision: string,
    private readonly base: ReadonlyMap<string, string>,
  ) {}

  terraformFiles(): Promise<ReadonlyMap<string, string>> {
    this.assertLive();
    if (this.edits === undefined) return Promise.resolve(this.base);
    const merged = new Map(this.base);
    for (const [path, content] of this.edits) merged.set(path, content);
    return Promise.resolve(merged);
  }

  writeFile(path: string, content: string): Promise<void> {
    this.assertLive();
    (this.edits ??= new Map()).set(path, content);
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    this.disposed = true;
    this.edits = undefined;
    return Promise.resolve();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('workspace used after dispose');
  }
}
