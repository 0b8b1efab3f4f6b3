/**
 * The server on a real socket: stalled bodies time out with 408, an oversized body reaches the client as a 413,
 * and during a drain answers close their connection and a late request gets 503 in our shape with Retry-After.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startApiServer } from '../../src/api-server/server.js';
import { loadApiServerConfig } from '../../src/config/api-server.js';
import { failures } from '../support/api.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function start(extra: Record<string, string> = {}) {
  return startApiServer(
    loadApiServerConfig({
      TERRAFIX_MOCK_MODE: 'true',
      TERRAFIX_API_PORT: '0',
      TERRAFIX_API_HOST: '127.0.0.1',
      TERRAFIX_MOCK_LATENCY_MS: '0',
      TERRAFIX_TERRAFORM_VALIDATE: 'off',
      TERRAFIX_PARSE_WORKERS: '1',
      LOG_LEVEL: 'silent',
      ...extra,
    }),
  );
}

/** A raw TCP client that collects everything the server sends until it closes. */
function rawClient(url: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

const json = (body: unknown) => JSON.stringify(body);

describe('stalled request bodies', () => {
  it.each([
    ['a Content-Length body', 'Content-Length: 1000\r\n', '{"test_id":'],
    ['a chunked body', 'Transfer-Encoding: chunked\r\n', 'b\r\n{"test_id":\r\n'],
  ])(
    '%s sent halfway gets 408 within the body timeout, and the socket closes',
    async (_what, framing, part) => {
      server = await start({ TERRAFIX_BODY_TIMEOUT_MS: '400' });
      const client = rawClient(server.url);
      const started = performance.now();
      client.socket.write(
        `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${framing}\r\n${part}`,
      );
      await client.closed;
      const elapsed = performance.now() - started;
      expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(client.received()).toContain('"code":"TFX_REQUEST_TIMEOUT"');
      // Node checks request deadlines at an interval (a quarter of the timeout here): generous bound, not a benchmark.
      expect(elapsed).toBeLessThan(400 + 2_000);
    },
  );

  it('defaults to 30 s and is configurable', () => {
    expect(loadApiServerConfig({}).bodyTimeoutMs).toBe(30_000);
    expect(loadApiServerConfig({ TERRAFIX_BODY_TIMEOUT_MS: '5000' }).bodyTimeoutMs).toBe(5_000);
    expect(() => loadApiServerConfig({ TERRAFIX_BODY_TIMEOUT_MS: '0' })).toThrow(/TERRAFIX_BODY_TIMEOUT_MS/);
  });
});

describe('oversized bodies', () => {
  it('reach the client as a 413 it can read, every time (the server reads on before closing)', async () => {
    server = await start();
    const body = 'x'.repeat(5 * 1024 * 1024);
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"failure_reason":"${body}"}`,
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    }
    // The server is still fine afterwards.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('a client still writing after the 413 gets to finish its body without a reset', async () => {
    server = await start();
    const client = rawClient(server.url);
    const errors: string[] = [];
    client.socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
    const total = 5 * 1024 * 1024;
    client.socket.write(
      `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let sent = 0; sent < total; sent += chunk.length) {
      // Slower than the server answers: the 413 is out long before the body is.
      if (!client.socket.write(chunk))
        await Promise.race([new Promise((resolve) => client.socket.once('drain', resolve)), client.closed]);
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (client.socket.destroyed) break;
    }
    await expect.poll(() => client.received()).toMatch(/\r\n\r\n\{.*\}$/s);
    expect(errors).toEqual([]);
    expect(client.received()).toMatch(/^HTTP\/1\.1 413 /);
    client.socket.end();
    await client.closed;
  });
});

describe('connections during a drain', () => {
  it('answers in-flight requests with Connection: close and refuses a late request with our 503', async () => {
    server = await start({ TERRAFIX_WORKERS: '2' });
    const configure = await fetch(`${server.url}/configure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json({ stages: { bedrock_inference: { latency: { kind: 'fixed', ms: 400 } } } }),
    });
    expect(configure.status).toBe(200);
    // A sync webhook in flight on one socket; on another, a request whose headers are not complete yet.
    const busy = rawClient(server.url);
    const payload = json(failures(1, 4242)[0]);
    busy.socket.write(
      `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
    const late = rawClient(server.url);
    late.socket.write('GET /status HTTP/1.1\r\nHost: x\r\n');
    await expect.poll(async () => (await server?.runtime.queue.stats())?.active).toBe(1);

    const stopped = server.stop();
    late.socket.write('\r\n');
    await late.closed;
    const refused = late.received();
    expect(refused).toMatch(/^HTTP\/1\.1 503 /);
    expect(refused).toMatch(/\r\nretry-after: \d+\r\n/i);
    expect(refused).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toMatchObject({
      code: 'TFX_SHUTTING_DOWN',
      error: 'Server is shutting down',
    });

    await busy.closed;
    const answered = busy.received();
    expect(answered).toMatch(/^HTTP\/1\.1 200 /);
    expect(answered).toMatch(/\r\nconnection: close\r\n/i);
    await stopped;
  });

  it('a silent connection and a half-sent request do not hold the stop', async () => {
    server = await start({ TERRAFIX_SHUTDOWN_TIMEOUT_MS: '20000' });
    const silent = rawClient(server.url);
    const half = rawClient(server.url);
    half.socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"te');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await server.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    await Promise.all([silent.closed, half.closed]);
  });
});
