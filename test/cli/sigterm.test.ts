/**
 * `terrafix api-server` as a real process: SIGTERM with a keep-alive client pool, a silent TCP connection and a
 * half-sent request open must end with exit code 0 once the accepted work is done, well inside the drain time.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { request, Agent } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failures } from '../support/api.js';
import { bundleCli } from '../support/cli-bundle.js';

const DRAIN_MS = 4_000;
let dir: string;

beforeAll(async () => {
  dir = await bundleCli('terrafix-sigterm-');
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One HTTP request on `agent`; resolves with status, headers and body (or the error's code). */
function call(agent: Agent, url: string, method: string, body?: unknown) {
  return new Promise<{ status: number; connection: string | undefined; body: string } | { error: string }>(
    (resolve) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        url,
        {
          method,
          agent,
          headers:
            data === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }),
          );
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      req.end(data);
    },
  );
}

describe('SIGTERM on the real process', () => {
  it('exits 0 within the drain time + 1 s with a keep-alive pool, a silent socket and a half-sent request open', async () => {
    const child = spawn(process.execPath, [join(dir, 'main.js'), 'api-server', '--mock', '--port', '0'], {
      env: {
        PATH: process.env.PATH,
        TERRAFIX_API_HOST: '127.0.0.1',
        TERRAFIX_TERRAFORM_VALIDATE: 'off',
        TERRAFIX_MOCK_LATENCY_MS: '0',
        TERRAFIX_PARSE_WORKERS: '1',
        TERRAFIX_WORKERS: '8',
        TERRAFIX_SHUTDOWN_TIMEOUT_MS: String(DRAIN_MS),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await expect.poll(() => /"url":"(http:[^"]+)"/.exec(stdout)?.[1], { timeout: 30_000 }).toBeDefined();
      const url = /"url":"(http:[^"]+)"/.exec(stdout)?.[1] ?? '';
      const agent = new Agent({ keepAlive: true, maxSockets: 16 });
      const configured = await call(agent, `${url}/configure`, 'POST', {
        stages: { bedrock_inference: { latency: { kind: 'fixed', ms: 500 } } },
      });
      expect(configured).toMatchObject({ status: 200 });
      // Warm the pool: 16 keep-alive sockets, idle when the signal comes, besides the busy ones.
      await Promise.all(Array.from({ length: 16 }, () => call(agent, `${url}/health`, 'GET')));
      const { hostname, port } = new URL(url);
      const silent = connect(Number(port), hostname);
      silent.on('error', () => undefined);
      const half = connect(Number(port), hostname);
      half.on('error', () => undefined);
      half.write(
        'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"te',
      );
      const sync = failures(6, 9191).map((f) => call(agent, `${url}/webhook`, 'POST', f));
      const queued = failures(6, 9292).map((f) => call(agent, `${url}/webhook?mode=async`, 'POST', f));
      await Promise.all(queued);
      await new Promise((resolve) => setTimeout(resolve, 100));

      const signalled = performance.now();
      child.kill('SIGTERM');
      const answers = await Promise.all(sync);
      const [code] = await exited;
      const elapsed = performance.now() - signalled;

      for (const answer of answers) expect(answer).toMatchObject({ status: 200, connection: 'close' });
      expect(code).toBe(0);
      expect(elapsed).toBeLessThan(DRAIN_MS + 1_000);
      expect(stdout).toContain('Shutdown complete');
      expect(stdout).not.toContain('Shutdown timed out');
      agent.destroy();
      silent.destroy();
      half.destroy();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
