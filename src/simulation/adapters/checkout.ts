import { createHash } from 'node:crypto';
import { parseArn } from '../../hcl/arn.js';
import type { CallContext, CheckoutRequest, RepoCheckout, Workspace } from '../../pipeline/ports.js';
import { declarationFor, hasTarget } from '../synth/declare.js';
import { syntheticRepository } from '../synth/repository.js';
import { MemoryWorkspace } from './memory-workspace.js';

/**
 * Simulated git clone: materialises the synthetic repository of the failure's size in memory. A failure that
 * names a resource the synthetic repository lacks (a hand-written payload) gets a small file declaring it, as
 * the real repository would; its revision then differs, so nothing cached for the base revision is reused wrongly.
 */
export class SimulatedCheckout implements RepoCheckout {
  checkout(request: CheckoutRequest, _ctx: CallContext): Promise<Workspace> {
    const repo = syntheticRepository(request.sizeHint);
    const { failure } = request;
    const identities = [parseArn(failure.resource_arn)?.name, failure.resource_details.name];
    const present = identities.some((id) => id !== undefined && hasTarget(repo, failure.resource_type, id));
    const declaration = present ? undefined : declarationFor(failure);
    if (declaration === undefined) {
      return Promise.resolve(new MemoryWorkspace(request.repo, repo.revision, repo.files));
    }
    const files = new Map(repo.files);
    files.set(declaration.path, declaration.content);
    const revision = createHash('sha256')
      .update(`${repo.revision}\0${declaration.path}\0${declaration.content}`)
      .digest('hex')
      .slice(0, 40);
    return Promise.resolve(new MemoryWorkspace(request.repo, revision, files));
  }
}
