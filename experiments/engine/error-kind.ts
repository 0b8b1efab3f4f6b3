/** Which error kind a failed exchange is: by HTTP status when there is one, else by the transport error's code. */
import type { ErrorKind } from '../results/run-result.js';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Error kind of a response status, or null for 2xx (success). */
export function statusErrorKind(status: number): ErrorKind | null {
  if (status >= 200 && status < 300) return null;
  if (status === 429) return 'http_429';
  if (status >= 400 && status < 500) return 'http_4xx';
  if (status >= 500) return 'http_5xx';
  return 'other';
}

/** Error kind of a transport error (no response): connection, timeout or other. */
export function transportErrorKind(error: unknown): ErrorKind {
  const code = errorCode(error);
  if (code !== undefined && CONNECTION_CODES.has(code)) return 'connection';
  if (code !== undefined && TIMEOUT_CODES.has(code)) return 'timeout';
  return 'other';
}

/** The code of an error, looking through AggregateError (dual-stack connect) and `cause`. */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.length > 0) return errorCode(nested[0], depth + 1);
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}
