/**
 * Go garbage-collector settings for the k6 processes the runner starts. k6 allocates a few KB per request
 * (its NDJSON output, the HTTP client, the per-iteration JavaScript stack) and, at Go's default GOGC=100,
 * spends a fifth of its CPU marking and sweeping: CPU the target under test then does not get on a shared
 * machine. GOGC=400 lets the heap grow to five times its live size between collections; GOMEMLIMIT (a soft
 * limit) makes the collector run sooner again before that growth costs more than a quarter of the machine's
 * memory, so a long run's growing result data cannot take the heap with it. A user's own GOGC or GOMEMLIMIT
 * in the environment wins: then neither is set. `npm run bench:k6` measures the effect (docs/benchmarks.md).
 */

/** The GOGC the runner gives k6. */
export const K6_GOGC = 400;
/** The soft memory limit: this share of the machine's memory, never below the floor. */
const MEMORY_SHARE = 0.25;
const FLOOR_MIB = 512;

/** The same limit computed in a POSIX shell from /proc/meminfo (kB), for the exported run.sh. */
export const GOMEMLIMIT_SHELL = `awk '/^MemTotal:/ { m = int($2 * ${MEMORY_SHARE} / 1024); if (m < ${FLOOR_MIB}) m = ${FLOOR_MIB}; printf "%dMiB", m }' /proc/meminfo`;

/** The variables to add to k6's environment (none when the user set either). */
export function k6GcEnv(
  env: Readonly<Record<string, string | undefined>>,
  totalMemoryBytes: number,
): Record<string, string> {
  if ((env['GOGC'] ?? '') !== '' || (env['GOMEMLIMIT'] ?? '') !== '') return {};
  const limitMib = Math.max(FLOOR_MIB, Math.floor((totalMemoryBytes * MEMORY_SHARE) / 2 ** 20));
  return { GOGC: String(K6_GOGC), GOMEMLIMIT: `${limitMib}MiB` };
}
