/**
 * K6Engine against the fake k6 in test/fakes/k6 (real HTTP to a loopback server, REST API, NDJSON, exit codes):
 * how the engine starts k6, learns when the load starts, stops it through the REST API, keeps k6.log and
 * signs requests.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultK6Script, K6Engine } from '../../../experiments/engine/k6-engine.js';
import type { EngineRunSpec } from '../../../experiments/engine/port.js';
import { runResultSchema } from '../../../experiments/results/run-result.js';
import { installFakeK6, type FakeK6 } from '../../fakes/k6/install.js';

interface Seen {
  path: string;
  body: string;
  signature: string | undefined;
}

let fake: FakeK6;
let server: Server;
let url: string;
let status = 200;
let ready = 200;
const seen: Seen[] = [];
let scratch: string;

beforeAll(async () => {
  fake = await installFakeK6();
  scratch = await mkdtemp(join(tmpdir(), 'terrafix-fake-k6-run-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/ready') {
        res.writeHead(ready).end();
        return;
      }
      const signature = req.headers['x-terrafix-signature'];
      seen.push({
        path: req.url ?? '',
        body,
        signature: typeof signature === 'string' ? signature : undefined,
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await rm(fake.dir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

const spec = (extra: Partial<EngineRunSpec> = {}): EngineRunSpec => ({
  baseUrl: url,
  load: { executor: 'constant-vus', vus: 2, duration: 2, pacing: 0.1 },
  payload: { endpoint: 'webhook', mode: 'sync', duplicateRatio: 0, batchRatio: 0, repoSize: 'small' },
  seed: 3,
  requestTimeoutMs: 2000,
  maxRequests: 10_000,
  ...extra,
});

const engine = (env: Record<string, string> = {}): K6Engine =>
  new K6Engine(fake.path, {
    pollMs: 100,
    killAfterMs: 5_000,
    env: { PATH: process.env.PATH, FAKE_K6_LOG: fake.logPath, FAKE_K6_INIT_MS: '1200', ...env },
  });

interface Call {
  args: string[];
  usageReport: boolean;
  secretInEnv: boolean;
  gc: { GOGC: string | null; GOMEMLIMIT: string | null };
}
const log = async (): Promise<(Call | { exitCode: number })[]> =>
  (await readFile(fake.logPath, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Call | { exitCode: number });
const calls = async (): Promise<Call[]> => (await log()).filter((e): e is Call => 'args' in e);
const lastExit = async (): Promise<number | undefined> =>
  (await log()).filter((e): e is { exitCode: number } => 'exitCode' in e).at(-1)?.exitCode;

describe('K6Engine with the fake k6', () => {
  it('reports the load start after k6 init and setup, which is where the timeline starts', async () => {
    const artifactsDir = join(scratch, 'start');
    const called = Date.now();
    let loadStart: number | undefined;
    const result = await engine().run(spec(), { onLoadStart: (ms) => (loadStart = ms), artifactsDir });
    runResultSchema.parse(result);
    expect(loadStart).toBeDefined();
    // The fake spends 1.2 s in init: a clock started at the call would be that far out of step.
    expect(loadStart! - called).toBeGreaterThanOrEqual(1_100);
    expect(Math.abs(Date.parse(result.startedAt) - loadStart!)).toBeLessThan(300);
    expect(result.requests).toBeGreaterThan(10);
    // The usage report is off (flag and environment), never through an unknown option.
    const last = (await calls()).at(-1)!;
    expect(last.usageReport).toBe(false);
    expect(last.args).toContain('--no-usage-report');
    // Go GC settings for k6: GOGC 400 and a soft limit of a quarter of this machine's memory.
    expect(last.gc).toEqual({
      GOGC: '400',
      GOMEMLIMIT: `${Math.max(512, Math.floor(totalmem() / 4 / 2 ** 20))}MiB`,
    });
  });

  it("leaves k6's Go GC alone when the user sets GOGC or GOMEMLIMIT", async () => {
    const short = spec({ load: { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0.2 } });
    await engine({ GOGC: '150' }).run(short);
    expect((await calls()).at(-1)!.gc).toEqual({ GOGC: '150', GOMEMLIMIT: null });
    await engine({ GOMEMLIMIT: '3GiB' }).run(short);
    expect((await calls()).at(-1)!.gc).toEqual({ GOGC: null, GOMEMLIMIT: '3GiB' });
  });

  it('stops k6 through its REST API when stopWhen holds (exit 103 is a completed, stopped run)', async () => {
    status = 500;
    try {
      const result = await engine().run(
        spec({
          load: { executor: 'constant-vus', vus: 2, duration: 60, pacing: 0.05 },
          stopWhen: { errorRate: 0.5, sustainSeconds: 2 },
        }),
      );
      expect(result.aborted).toMatch(/^stopWhen errorRate > 0\.5 for 2 s/);
      // Stopped by the runner's own per-second rule long before the planned 60 s, through the REST API.
      expect(result.durationSeconds).toBeLessThan(20);
      expect(await lastExit()).toBe(103);
    } finally {
      status = 200;
    }
  });

  it('keeps k6 stderr as k6.log in the run folder and surfaces its warnings', async () => {
    const artifactsDir = join(scratch, 'log');
    const warnings: string[] = [];
    await engine({ FAKE_K6_WARN: 'The moon is full' }).run(
      spec({ load: { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0.2 } }),
      {
        artifactsDir,
        onWarning: (line) => warnings.push(line),
      },
    );
    expect(warnings).toEqual([expect.stringMatching(/level=warning msg="The moon is full"/)]);
    expect(await readFile(join(artifactsDir, 'k6.log'), 'utf8')).toContain('The moon is full');
    expect((await readdir(artifactsDir)).sort()).toEqual(['k6.log', 'spec.json', 'summary.json']);
  });

  it('hands k6 absolute paths when the run folder is relative (k6 reads the spec from the script folder)', async () => {
    const artifactsDir = relative(process.cwd(), join(scratch, 'relative'));
    const result = await engine().run(
      spec({ load: { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0.2 } }),
      {
        artifactsDir,
      },
    );
    expect(result.requests).toBeGreaterThan(0);
    const args = (await calls()).at(-1)?.args ?? [];
    expect(args).toContain(`TERRAFIX_SPEC=${join(scratch, 'relative', 'spec.json')}`);
  });

  it('fails with k6 exit 104 on a constant load shorter than 1 s, as k6 refuses it', async () => {
    await expect(
      engine().run(spec({ load: { executor: 'constant-vus', vus: 1, duration: 0.5, pacing: 0.2 } })),
    ).rejects.toThrow(/k6 exited with 104: [\s\S]*the duration must be at least 1s, but is 500ms/);
  });

  it('fails with k6 exit 108 when setup() finds the target not ready', async () => {
    ready = 503;
    try {
      await expect(engine().run(spec())).rejects.toMatchObject({
        exitCode: 108,
        message: expect.stringMatching(/target not ready/),
      });
    } finally {
      ready = 200;
    }
  });

  it('signs every request with the webhook secret, which appears in no argument and no file', async () => {
    seen.length = 0;
    const artifactsDir = join(scratch, 'signed');
    await engine().run(
      spec({ webhookSecret: 's3cret', load: { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0.2 } }),
      {
        artifactsDir,
      },
    );
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen)
      expect(s.signature).toBe(`sha256=${createHmac('sha256', 's3cret').update(s.body).digest('hex')}`);
    const last = (await calls()).at(-1)!;
    expect(last.secretInEnv).toBe(true);
    expect(JSON.stringify(last.args)).not.toContain('s3cret');
    for (const file of await readdir(artifactsDir))
      expect(await readFile(join(artifactsDir, file), 'utf8')).not.toContain('s3cret');
  });
});

describe('the fake k6 run directly, as a user runs an exported script', () => {
  const run = promisify(execFile);
  const exitOf = (args: string[], env: Record<string, string> = {}) =>
    run(fake.path, args, { env: { PATH: process.env.PATH, FAKE_K6_INIT_MS: '100', ...env } }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );

  it('exits 107 without a spec, 99 when a profile threshold fails, 0 when it holds', async () => {
    const script = defaultK6Script()!;
    expect(await exitOf(['run', '--no-usage-report', script])).toBe(107);
    const specFile = join(scratch, 'direct-spec.json');
    const write = (p95: number) =>
      writeFile(
        specFile,
        JSON.stringify({
          format: 'terrafix-k6-spec/1',
          baseUrl: url,
          load: { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0.1 },
          payload: spec().payload,
          seed: 1,
          requestTimeoutMs: 2000,
          maxRequests: 100,
          stopWhen: null,
          thresholds: { 'http_req_duration{scenario:load}': [`p(95)<${p95}`] },
          failedAt: '2026-11-30T00:00:00.000Z',
        }),
      );
    await write(0.0001);
    expect(await exitOf(['run', '--no-usage-report', '-e', `TERRAFIX_SPEC=${specFile}`, script])).toBe(99);
    await write(60_000);
    expect(await exitOf(['run', '--no-usage-report', '-e', `TERRAFIX_SPEC=${specFile}`, script])).toBe(0);
    expect(await exitOf(['run', '--no-such-flag', script])).toBe(255);
  });
});
