/** A test's failing entities, page by page, each item parsed on its own so one bad item never sinks the page. */
import type { GetOptions, VantaClient } from './client.js';
import { type VantaEntity, vantaEntitySchema } from './wire.js';

export type EntityItem = { ok: true; entity: VantaEntity } | { ok: false; index: number };

/** `GET /v1/tests/{id}/entities?entityStatus=FAILING`, every page; the id is percent-encoded. */
export async function* failingEntities(
  client: VantaClient,
  testId: string,
  options: GetOptions = {},
): AsyncGenerator<EntityItem> {
  const path = `/v1/tests/${encodeURIComponent(testId)}/entities`;
  let index = 0;
  for await (const page of client.pages('entities', path, { entityStatus: 'FAILING' }, options)) {
    for (const item of page) {
      const parsed = vantaEntitySchema.safeParse(item);
      yield parsed.success ? { ok: true, entity: parsed.data } : { ok: false, index };
      index++;
    }
  }
}
