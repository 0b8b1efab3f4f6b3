/** Unique webhook bodies, cheap enough to make one per request inside the load generator. */
import type { RepoSize } from '../src/pipeline/failure.js';
import { failureStream } from '../src/simulation/synth/templates.js';

export interface BodySource {
  /** The next body: a valid failure whose test_id no other body of this benchmark run carries. */
  next(): string;
  readonly issued: number;
}

const MARK = '@@BENCH_ID@@';
let sources = 0;
// One stamp per benchmark process, so re-running against a long-lived server also stays unique.
const runStamp = Date.now().toString(36);

/**
 * Bodies over `size`'s targets: a pool of failureStream records (templates and targets spread as in
 * the experiments), each with a fresh suffix on test_id, so each body is new work for the server.
 */
export function uniqueBodies(size: RepoSize, poolSize = 512): BodySource {
  const index = sources++;
  const tag = `${runStamp}${index.toString(36)}`;
  const stream = failureStream(0x5eed + index, size);
  // Splitting each serialised record around the test_id suffix makes a body one string concatenation.
  const pool: [string, string][] = [];
  for (let i = 0; i < poolSize; i++) {
    const record = stream.next().value;
    const json = JSON.stringify({ ...record, test_id: `${record.test_id}-${MARK}` });
    const at = json.indexOf(MARK);
    pool.push([json.slice(0, at), json.slice(at + MARK.length)]);
  }
  let issued = 0;
  return {
    next() {
      const parts = pool[issued % poolSize] as [string, string];
      const id = `${tag}-${(issued++).toString(36)}`;
      return parts[0] + id + parts[1];
    },
    get issued() {
      return issued;
    },
  };
}
