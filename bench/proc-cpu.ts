/** CPU time of a process from /proc (Linux), so the baseline server, which has no /metrics, is measured too. */
import { readFileSync } from 'node:fs';

// USER_HZ is 100 on every Linux the project runs on; /proc/<pid>/stat counts in those ticks.
const TICKS_PER_SECOND = 100;

/** user + system CPU seconds of `pid` (all its threads), or NaN where /proc is not readable. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * user + system CPU seconds of this process's children that have exited and been waited for (a child's whole
 * run, k6's included); NaN where /proc is not readable.
 */
export function exitedChildrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds this process (the load generator) has used so far. */
export function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export interface CpuShare {
  /** Average cores busy in the server during the run. */
  serverCores: number;
  /** Average cores busy in the load generator during the run. */
  loadgenCores: number;
}

/** Runs `work` and answers how many cores the server and this process used on average meanwhile. */
export async function withCpuShare<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ value: T; cpu: CpuShare }> {
  const server0 = processCpuSeconds(pid);
  const self0 = selfCpuSeconds();
  const t0 = performance.now();
  const value = await work();
  const seconds = (performance.now() - t0) / 1000;
  return {
    value,
    cpu: {
      serverCores: (processCpuSeconds(pid) - server0) / seconds,
      loadgenCores: (selfCpuSeconds() - self0) / seconds,
    },
  };
}
