import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** Our code for each client error node's HTTP parser reports before fastify sees a request. */
function describe(code: string | undefined): { status: number; code: string; error: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, code: 'TFX_REQUEST_TIMEOUT', error: 'Request not received in time' };
  if (code === 'HPE_HEADER_OVERFLOW')
    return { status: 431, code: 'TFX_HEADERS_TOO_LARGE', error: 'Request headers too large' };
  return { status: 400, code: 'TFX_BAD_REQUEST', error: 'Malformed HTTP request' };
}

/**
 * fastify's clientErrorHandler: answers in our error body shape (fastify's default has its own), then closes.
 * A request whose body stalls past TERRAFIX_BODY_TIMEOUT_MS arrives here as ERR_HTTP_REQUEST_TIMEOUT (408).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, error: message } = describe(error.code);
  const body = JSON.stringify({ error: message, code });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
