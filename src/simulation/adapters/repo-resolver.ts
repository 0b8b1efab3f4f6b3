import { type Failure, repoSizeOf } from '../../pipeline/failure.js';
import type { RepoRef, RepoResolver } from '../../pipeline/ports.js';

/** Mock mapping: one synthetic repository per size, `mock-org/terraform-<size>` on `main`. */
export class SimulatedRepoResolver implements RepoResolver {
  private readonly refs = new Map<string, RepoRef>();

  resolve(failure: Failure): RepoRef {
    const size = repoSizeOf(failure);
    let ref = this.refs.get(size);
    if (ref === undefined) {
      ref = { owner: 'mock-org', name: `terraform-${size}`, baseBranch: 'main' };
      this.refs.set(size, ref);
    }
    return ref;
  }
}
