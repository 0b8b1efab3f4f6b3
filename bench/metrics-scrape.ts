/** Reads the TerraFix server's own counters: Prometheus /metrics and the /status JSON. */
import { getJson, getText } from './http.js';

export interface ServerCounters {
  /** process_cpu_seconds_total: user + system CPU of the whole process, worker threads included. */
  cpuSeconds: number;
  /** failures_processed_total summed over its series. */
  processed: number;
  /** process_resident_memory_bytes */
  rssBytes: number;
  /** nodejs_heap_size_used_bytes: live JS heap plus garbage not yet collected. */
  heapUsedBytes: number;
  /** When it was read (performance.now()). */
  at: number;
}

/** Sum of every series of `name` in a Prometheus text exposition (NaN when absent). */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue; // another metric sharing the prefix
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) {
      sum += value;
      found = true;
    }
  }
  return found ? sum : Number.NaN;
}

/** One scrape of /metrics. */
export async function readCounters(baseUrl: string): Promise<ServerCounters> {
  const text = await getText(`${baseUrl}/metrics`);
  return {
    cpuSeconds: metricSum(text, 'process_cpu_seconds_total'),
    processed: metricSum(text, 'failures_processed_total'),
    rssBytes: metricSum(text, 'process_resident_memory_bytes'),
    heapUsedBytes: metricSum(text, 'nodejs_heap_size_used_bytes'),
    at: performance.now(),
  };
}

export interface StatusView {
  failures: { processed: number; successful: number; failed: number; failed_by_code: Record<string, number> };
  dedup: { hits: number };
  queue: { depth: number; active_workers: number; workers: number; limit: number };
  parse_cache: { enabled: boolean; hits: number; misses: number; entries: number };
}

/** GET /status (the fields the benchmark reads). */
export function readStatus(baseUrl: string): Promise<StatusView> {
  return getJson<StatusView>(`${baseUrl}/status`);
}
