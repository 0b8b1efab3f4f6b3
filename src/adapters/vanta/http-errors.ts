/**
 * Vanta's HTTP answers → TerraFixError categories, at the edge. Messages name the method, the path and the status
 * only: never a header, a body or a credential (the request that failed carried a bearer token or a secret).
 */
import { TerraFixError } from '../../pipeline/errors.js';

/** Retry-After as delta-seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Where a request went, for messages: `GET /v1/tests` (never the query string, never the host's userinfo). */
export type RequestLabel = string;

/** A non-2xx answer (other than a 401 the token provider handles) as a categorised error. */
export function errorForStatus(label: RequestLabel, status: number, retryAfterMs: number | undefined) {
  const cause = { status };
  if (status === 429) {
    return new TerraFixError('TFX_THROTTLED', `Vanta throttled ${label} (429)`, {
      category: 'throttled',
      cause,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500 || status === 408) {
    return new TerraFixError('TFX_TRANSIENT', `Vanta answered ${label} with ${status}`, {
      category: 'transient',
      cause,
    });
  }
  if (status === 403) {
    return new TerraFixError(
      'TFX_CONFIG',
      `Vanta refused ${label} (403): the credentials need the scope vanta-api.all:read`,
      { category: 'config', cause },
    );
  }
  if (status === 404) {
    return new TerraFixError('TFX_NOT_FOUND', `Vanta has nothing at ${label} (404)`, {
      category: 'permanent',
      cause,
    });
  }
  return new TerraFixError('TFX_PERMANENT', `Vanta rejected ${label} (${status})`, {
    category: 'permanent',
    cause,
  });
}

/** A fetch that never got an answer: a timeout is its own code, everything else (DNS, reset) is transient. */
export function errorForNetwork(label: RequestLabel, error: unknown, timedOut: boolean): TerraFixError {
  // The cause is the bare error name: fetch errors can carry the request (and so its headers) in their cause.
  const cause = { name: error instanceof Error ? error.name : typeof error };
  if (timedOut) {
    return new TerraFixError('TFX_TIMEOUT', `Vanta did not answer ${label} in time`, {
      category: 'transient',
      cause,
    });
  }
  return new TerraFixError('TFX_TRANSIENT', `Vanta unreachable for ${label}`, {
    category: 'transient',
    cause,
  });
}

/** An answer whose body is not what Vanta documents. */
export function errorForShape(label: RequestLabel): TerraFixError {
  return new TerraFixError('TFX_PERMANENT', `Vanta answered ${label} with an unexpected body`, {
    category: 'permanent',
  });
}
