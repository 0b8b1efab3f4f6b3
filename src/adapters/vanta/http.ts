/**
 * One HTTP exchange with Vanta over Node's fetch (undici): a per-request timeout, network failures translated at
 * the edge, and the body read as JSON. Nothing here logs; callers decide what a status means.
 */
import { errorForNetwork, errorForShape, type RequestLabel } from './http-errors.js';

export type Fetch = typeof fetch;

export interface Exchange {
  status: number;
  headers: Headers;
  /** Parsed JSON for 2xx answers; undefined otherwise (the body is discarded unread). */
  json: unknown;
}

/** Sends one request; resolves with any status, rejects only when no answer came (or the body is not JSON). */
export async function exchange(
  fetchFn: Fetch,
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  label: RequestLabel,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Exchange> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  let response: Response;
  try {
    response = await fetchFn(url, { ...init, signal: combined, redirect: 'error' });
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason as Error;
    throw errorForNetwork(label, error, timeout.aborted);
  }
  if (response.status < 200 || response.status >= 300) {
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, headers: response.headers, json: undefined };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason as Error;
    throw errorForNetwork(label, error, timeout.aborted);
  }
  try {
    return { status: response.status, headers: response.headers, json: JSON.parse(text) as unknown };
  } catch {
    throw errorForShape(label);
  }
}
