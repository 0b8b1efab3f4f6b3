/**
 * The two calls the runner makes to k6's REST API (`k6 run --address host:port`, API v1, unchanged since k6
 * v0.2x): read the execution status (to see the load start once setup() has returned) and stop the test (k6
 * then runs handleSummary, flushes its outputs and exits 103, ScriptStoppedFromRESTAPI).
 */

/** lib.ExecutionStatus values of k6 v0.47: the load runs from Running on. */
export const K6_STATUS_RUNNING = 7;
/** k6's exit code after `PATCH /v1/status {stopped: true}`. */
export const K6_STOPPED_FROM_REST_API = 103;

export interface K6Status {
  status: number;
  running: boolean;
  stopped: boolean;
}

/** The JSON:API body that stops a test. */
export const STOP_BODY = JSON.stringify({
  data: { type: 'status', id: 'default', attributes: { stopped: true } },
});

/** GET /v1/status; undefined while the API is not up yet or answers something unreadable. */
export async function k6Status(address: string, timeoutMs = 1_000): Promise<K6Status | undefined> {
  try {
    const res = await fetch(`http://${address}/v1/status`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.arrayBuffer();
      return undefined;
    }
    const body = (await res.json()) as { data?: { attributes?: Partial<K6Status> } };
    const a = body.data?.attributes;
    if (a === undefined || typeof a.status !== 'number') return undefined;
    return { status: a.status, running: a.running === true, stopped: a.stopped === true };
  } catch {
    return undefined;
  }
}

/** PATCH /v1/status {stopped: true}; false when k6 did not accept it (the caller falls back to SIGINT). */
export async function stopK6Test(address: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const res = await fetch(`http://${address}/v1/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: STOP_BODY,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
