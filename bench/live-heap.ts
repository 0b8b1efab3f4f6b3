/** Live heap (after forced GC) against failures processed, in a child process with --expose-gc. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface LiveHeap {
  stateCap: number;
  points: { processed: number; liveHeapBytes: number }[];
  /** Live heap at the end over live heap once the caps were reached (about 2 x cap processed). */
  endOverPlateau: number;
}

const MAIN = fileURLToPath(new URL('./live-heap-main.js', import.meta.url));

/** 8 rounds of 25,000 unique failures with TERRAFIX_MEMORY_STATE_MAX=50,000. */
export async function measureLiveHeap(): Promise<LiveHeap> {
  const stateCap = 50_000;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', MAIN, '8', '25000', String(stateCap)],
    {
      timeout: 10 * 60_000,
      maxBuffer: 1024 * 1024,
    },
  );
  const points = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { processed: number; liveHeapBytes: number });
  const plateau = points.find((p) => p.processed >= 2 * stateCap) ?? points[0];
  const end = points.at(-1);
  return {
    stateCap,
    points,
    endOverPlateau:
      plateau === undefined || end === undefined ? 0 : end.liveHeapBytes / plateau.liveHeapBytes,
  };
}
