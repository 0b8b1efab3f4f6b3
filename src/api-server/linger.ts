import type { IncomingMessage } from 'node:http';

/**
 * After an oversized body was refused, reads and drops what the client is still sending, up to `maxBytes` and
 * `maxMs`, so the client reads the 413 instead of a connection reset (closing a socket with unread input makes
 * the kernel send RST). Past either bound the socket is closed: nobody gets to stream without end.
 */
export function lingerAfterRefusal(request: IncomingMessage, maxBytes: number, maxMs: number): void {
  if (request.complete) return;
  let read = 0;
  const stop = (): void => {
    clearTimeout(timer);
    request.off('data', onData);
  };
  const onData = (chunk: Buffer): void => {
    read += chunk.length;
    if (read > maxBytes) {
      stop();
      request.socket.destroy();
    }
  };
  const timer = setTimeout(() => {
    stop();
    if (!request.complete) request.socket.destroy();
  }, maxMs);
  timer.unref();
  request.on('data', onData);
  request.once('end', stop);
  request.once('close', stop);
}
