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

/** What identifies the entities of one listing, for O(1) lookups however many failures a test has. */
interface ListingIndex {
  arns: Set<string>;
  ids: Set<string>;
  names: Set<string>;
}

export class VantaFailureSource implements FailureSource {
  // Keyed by the listing itself: a new listing gets a new index, an old one is collected with its entry.
  readonly #indexes = new WeakMap<readonly VantaEntity[], ListingIndex>();

  constructor(
    private readonly client: VantaClient,
    private readonly cache: FailingEntityCache,
    private readonly controls: ReadonlyMap<string, Control>,
  ) {}

  async confirm(failure: Failure, ctx: CallContext): Promise<{ stillFailing: boolean }> {
    const testId = failure.test_id;
    const entities = await this.cache.get(testId, () => this.#list(testId), ctx.signal);
    return { stillFailing: this.#matches(failure, this.#index(testId, entities)) };
  }

  async #list(testId: string): Promise<VantaEntity[]> {
    const entities: VantaEntity[] = [];
    for await (const item of failingEntities(this.client, testId, { retry: false }))
      if (item.ok) entities.push(item.entity);
    return entities;
  }

  #index(testId: string, entities: readonly VantaEntity[]): ListingIndex {
    let index = this.#indexes.get(entities);
    if (index === undefined) {
      index = { arns: new Set(), ids: new Set(), names: new Set() };
      for (const entity of entities) {
        const typed = cfnTypeOf(testId, entity, this.controls);
        if (typed !== undefined) index.arns.add(identityOf(entity, typed.cfnType).arn);
        index.ids.add(entity.id);
        index.names.add(entity.displayName.trim());
      }
      this.#indexes.set(entities, index);
    }
    return index;
  }

  /**
   * Same identity as the normaliser gives it, or the same Vanta entity id, or a display name equal to the
   * failure's resource name (pushed failures carry real ARNs whose last segment is what Vanta displays).
   */
  #matches(failure: Failure, index: ListingIndex): boolean {
    if (index.arns.has(failure.resource_arn)) return true;
    if (typeof failure.resource_id === 'string' && index.ids.has(failure.resource_id)) return true;
    const name = failure.resource_details.name;
    return (
      (name !== undefined && index.names.has(name)) || index.names.has(lastSegment(failure.resource_arn))
    );
  }
}
