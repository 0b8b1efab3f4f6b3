/**
 * Vanta as the pipeline's FailureSource: a failure is still current when its test still lists the entity among
 * its failing ones. One attempt per call: the pipeline's retry policy retries (and counts) throttles and 5xx.
 */
import type { Failure } from '../../pipeline/failure.js';
import type { CallContext, FailureSource } from '../../pipeline/ports.js';
import type { VantaClient } from './client.js';
import type { FailingEntityCache } from './entity-cache.js';
import { failingEntities } from './entities.js';
import { identityOf } from './identity.js';
import type { Control } from './known-tests.js';
import { cfnTypeOf } from './normalize.js';
import type { VantaEntity } from './wire.js';

/** The last `/` or `:` segment of an ARN: a bucket's name, `sg-0abc`, a role's name. */
function lastSegment(arn: string): string {
  return (
    arn
      .split(/[/:]/)
      .filter((part) => part !== '')
      .at(-1) ?? arn
  );
}

export class VantaFailureSource implements FailureSource {
  constructor(
    private readonly client: VantaClient,
    private readonly cache: FailingEntityCache,
    private readonly controls: ReadonlyMap<string, Control>,
  ) {}

  async confirm(failure: Failure, ctx: CallContext): Promise<{ stillFailing: boolean }> {
    const testId = failure.test_id;
    const entities = await this.cache.get(testId, () => this.#list(testId), ctx.signal);
    return { stillFailing: entities.some((entity) => this.#matches(failure, entity)) };
  }

  async #list(testId: string): Promise<VantaEntity[]> {
    const entities: VantaEntity[] = [];
    for await (const item of failingEntities(this.client, testId, { retry: false }))
      if (item.ok) entities.push(item.entity);
    return entities;
  }

  /**
   * Same identity as the normaliser gives it, or the same Vanta entity id, or a display name equal to the
   * failure's resource name (pushed failures carry real ARNs whose last segment is what Vanta displays).
   */
  #matches(failure: Failure, entity: VantaEntity): boolean {
    const typed = cfnTypeOf(failure.test_id, entity, this.controls);
    if (typed !== undefined && identityOf(entity, typed.cfnType).arn === failure.resource_arn) return true;
    if (failure.resource_id === entity.id) return true;
    const name = entity.displayName.trim();
    return name === failure.resource_details.name || name === lastSegment(failure.resource_arn);
  }
}
