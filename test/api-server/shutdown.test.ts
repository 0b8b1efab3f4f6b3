import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startApiServer } from '../../src/api-server/server.js';
import { installGracefulShutdown } from '../../src/cli/shutdown.js';
import { loadApiServerConfig } from '../../src/config/api-server.js';
import { createLogger } from '../../src/observability/logger.js';
import { failures } from '../support/api.js';

const config = (extra: Record<string, string> = {}) =>
  loadApiServerConfig({
    ...extra,
    TERRAFIX_MOCK_MODE: 'true',
    TERRAFIX_API_PORT: '0',
    TERRAFIX_API_HOST: '127.0.0.1',
    TERRAFIX_MOCK_LATENCY_MS: '0',
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    TERRAFIX_WORKERS: '2',
    LOG_LEVEL: 'silent',
  });

describe('graceful shutdown', () => {
  it('listens on loopback, and on SIGTERM finishes every accepted job before closing', async () => {
    const server = await startApiServer(config());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const configure = await fetch(`${server.url}/configure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stages: { bedrock_inference: { latency: { kind: 'fixed', ms: 40 } } } }),
    });
    expect(configure.status).toBe(200);
    const ids: string[] = [];
    for (const failure of failures(10, 1212)) {
      const res = await fetch(`${server.url}/webhook?mode=async`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(failure),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { job_id: string }).job_id);
    }
    const before = await server.runtime.queue.stats();
    expect(before.depth + before.active).toBeGreaterThan(0);

    const signals = new EventEmitter();
    let exitCode: number | undefined;
    const done = installGracefulShutdown(() => server.stop(), createLogger('silent'), {
      timeoutMs: 10_000,
      signals: signals,
      exit: () => undefined,
      setExitCode: (code) => (exitCode = code),
    });
    signals.emit('SIGTERM');
    signals.emit('SIGTERM'); // a second signal does not start a second shutdown
    await done;
    expect(exitCode).toBe(0);
    for (const id of ids) expect((await server.runtime.queue.get(id))?.state).toBe('done');
    const refused = await server.runtime.queue.submit(failures(1, 1) as never);
    expect(refused).toMatchObject({ accepted: false, reason: 'draining' });
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('aborts work still running when the drain timeout passes, so the process can exit', async () => {
    const server = await startApiServer(config({ TERRAFIX_SHUTDOWN_TIMEOUT_MS: '300' }));
    await fetch(`${server.url}/configure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stages: { bedrock_inference: { latency: { kind: 'fixed', ms: 600_000 } } } }),
    });
    const res = await fetch(`${server.url}/webhook?mode=async`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(failures(1, 4711)[0]),
    });
    const { job_id: id } = (await res.json()) as { job_id: string };
    await expect.poll(async () => (await server.runtime.queue.get(id))?.state).toBe('running');
    const started = performance.now();
    await server.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    const job = await server.runtime.queue.get(id);
    expect(job?.state).toBe('done');
    expect(job?.result?.outcome).toMatchObject({
      kind: 'failed',
      code: 'TFX_SHUTTING_DOWN',
      category: 'transient',
    });
  });
});
