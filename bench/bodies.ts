/** Unique webhook bodies, cheap enough to make one per request inside the load generator. */
import type { RepoSize } from '../src/pipeline/failure.js';
import { failureStream } from '../src/simulation/synth/templates.js';

export interface BodySource {
  /** The next body: a valid failure whose test_id no other body of this benchmark run carries. */
  next(): string;
  readonly issued: number;
}

/**
 * A pool of serialised failures split around the end of their test_id: `prefix + id + suffix` is a body.
 * autocannon joins them in process; wrk gets the same pool as a file and joins them in Lua.
 */
export interface BodyPool {
  /** Unique to this pool within the benchmark run (and across runs): ids built on it are new failures. */
  tag: string;
  parts: readonly (readonly [prefix: string, suffix: string])[];
}

const MARK = '@@BENCH_ID@@';
let sources = 0;
// One stamp per benchmark process, so re-running against a long-lived server also stays unique.
const runStamp = Date.now().toString(36);

/**
 * A pool over `size`'s targets: failureStream records (templates and targets spread as in the experiments),
 * each with room for a fresh suffix on test_id, so each body built on it is new work for the server.
 */
export function bodyPool(size: RepoSize, poolSize = 512): BodyPool {
  const index = sources++;
  const stream = failureStream(0x5eed + index, size);
  const parts: [string, string][] = [];
  for (let i = 0; i < poolSize; i++) {
    const record = stream.next().value;
    const json = JSON.stringify({ ...record, test_id: `${record.test_id}-${MARK}` });
    const at = json.indexOf(MARK);
    parts.push([json.slice(0, at), json.slice(at + MARK.length)]);
  }
  return { tag: `${runStamp}${index.toString(36)}`, parts };
}

/** Bodies over `size`'s targets, each with a test_id suffix no other body of the run carries. */
export function uniqueBodies(size: RepoSize, poolSize = 512): BodySource {
  const { tag, parts } = bodyPool(size, poolSize);
  let issued = 0;
  return {
    next() {
      const [prefix, suffix] = parts[issued % poolSize] as readonly [string, string];
      const id = `${tag}-${(issued++).toString(36)}`;
      return prefix + id + suffix;
    },
    get issued() {
      return issued;
    },
  };
}
