/** HCL parse time of a whole synthetic repository, in this process, cold (cache off) and cached. */
import { REPO_SIZES, type RepoSize } from '../src/pipeline/failure.js';
import { createHclParser } from '../src/hcl/parser.js';
import { syntheticRepository } from '../src/simulation/synth/repository.js';

export interface ParseTiming {
  size: RepoSize;
  files: number;
  bytes: number;
  resourceBlocks: number;
  /** Each run's wall time of parseAll(repo.files), in ms. */
  coldRunsMs: number[];
  cachedRunsMs: number[];
  coldMedianMs: number;
  cachedMedianMs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Median of `runs` cold and `runs` cached parses per size, with a pool of `workers` threads. */
export async function measureParseTimes(workers = 2, runs = 3): Promise<ParseTiming[]> {
  const parser = createHclParser({ workers, cacheEntries: 100_000, cacheEnabled: false });
  try {
    await parser.warmUp();
    // One untimed pass over every size: the WASM parser gets faster as V8 tiers it up, and the first
    // size measured should not pay for that.
    for (const size of REPO_SIZES) await parser.parseAll(syntheticRepository(size).files);
    const results: ParseTiming[] = [];
    for (const size of REPO_SIZES) {
      const repo = syntheticRepository(size);
      parser.setCacheEnabled(false);
      const coldRunsMs: number[] = [];
      for (let i = 0; i < runs; i++) coldRunsMs.push(await timed(() => parser.parseAll(repo.files)));
      parser.setCacheEnabled(true);
      await parser.parseAll(repo.files); // priming parse fills the cache
      const cachedRunsMs: number[] = [];
      for (let i = 0; i < runs; i++) cachedRunsMs.push(await timed(() => parser.parseAll(repo.files)));
      results.push({
        size,
        files: repo.files.size,
        bytes: [...repo.files.values()].reduce((n, text) => n + Buffer.byteLength(text), 0),
        resourceBlocks: repo.resourceBlockCount,
        coldRunsMs,
        cachedRunsMs,
        coldMedianMs: median(coldRunsMs),
        cachedMedianMs: median(cachedRunsMs),
      });
    }
    return results;
  } finally {
    await parser.close();
  }
}
