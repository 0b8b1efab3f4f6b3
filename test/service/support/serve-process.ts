/**
 * `terrafix serve` replicas as real processes (the CLI bundled once per test file, `node main.js serve`), pointed
 * at the fakes running in the test process and at a Redis under the test's own key prefix. Every replica is
 * killed by `stopAll()` (call it in afterEach), whatever the test did.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../../../src/config/load.js';
import { type Fakes, realEnv } from '../../e2e/support.js';
import { bundleCli } from '../../support/cli-bundle.js';
import { type Child, killChild, spawnChild } from '../../support/child-process.js';

export const GITHUB_TOKEN = 'ghp_replicatesttoken0000000000000000000';

export interface ServeStatus {
  status: string;
  replica: string;
  draining: boolean;
  components: {
    redis: string;
    queue: { waiting: number; delayed: number; active: number; completed: number; failed: number } | string;
    poller: { role: 'leader' | 'follower'; cycles: number; last_poll: { result: string } | null };
    workers: { active: number };
  };
  counts:
    { total: number; completed: number; in_progress: number; failed: number; resolved: number } | string;
}

export interface ServeReplica {
  readonly name: string;
  readonly child: Child;
  readonly healthUrl: string;
  status(): Promise<ServeStatus>;
  /** `/ready`'s status code, or 0 when the health server does not answer. */
  ready(): Promise<number>;
  /** `/metrics` as Prometheus text. */
  metrics(): Promise<string>;
  /** Whether the process still runs. */
  running(): boolean;
}

/** The value of one Prometheus sample line (`name{labels} value`), 0 when absent. */
export function sample(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}

/** Sums every sample of `name` whose labels include all of `labels` (`endpoint="tests"`, say). */
export function sampleSum(text: string, name: string, labels: string[] = []): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels.every((l) => line.includes(l))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Polls `check` every 100 ms until it returns a value (not undefined); throws `what` past the timeout. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not met within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One test file's replicas: the bundled CLI, a scratch folder, and the processes to kill afterwards. */
export class ServeCluster {
  readonly #replicas: ServeReplica[] = [];
  #cli: string | undefined;
  #dir: string | undefined;

  /** Bundles the CLI and makes the scratch folder (beforeAll). */
  async setup(): Promise<void> {
    this.#cli = await bundleCli('terrafix-serve-');
    this.#dir = await mkdtemp(join(tmpdir(), 'terrafix-replicas-'));
  }

  get dir(): string {
    if (this.#dir === undefined) throw new Error('ServeCluster.setup() first');
    return this.#dir;
  }

  /** Starts `terrafix serve` as `name` over `fakes`; resolves once its health server listens. */
  async start(name: string, fakes: Fakes, env: Env): Promise<ServeReplica> {
    if (this.#cli === undefined) throw new Error('ServeCluster.setup() first');
    const full: NodeJS.ProcessEnv = {
      ...realEnv(fakes, { githubToken: GITHUB_TOKEN, workspaceDir: join(this.dir, `ws-${name}`) }),
      HOME: process.env.HOME,
      // The SDK reads the fake's endpoint and dummy keys from its own variables, as in a local run.
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fakes.bedrock.url,
      AWS_ACCESS_KEY_ID: 'AKIAREPLICATEST00001',
      AWS_SECRET_ACCESS_KEY: 'replica-test-fake-secret',
      TERRAFIX_HEALTH_HOST: '127.0.0.1',
      TERRAFIX_HEALTH_PORT: '0',
      POLL_INTERVAL_SECONDS: '1',
      TERRAFIX_LEADER_LEASE_SECONDS: '3',
      TERRAFIX_JOB_LOCK_SECONDS: '3',
      TERRAFIX_DRAIN_TIMEOUT_SECONDS: '15',
      MAX_CONCURRENT_WORKERS: '2',
      LOG_LEVEL: 'info',
      ...env,
    };
    const child = spawnChild(join(this.#cli, 'main.js'), ['serve'], full);
    const replica = await (async () => {
      const line = await child.line(/"msg":"TerraFix service started"/, 60_000);
      const healthUrl = (JSON.parse(line) as { health: string }).health;
      return replicaOf(name, child, healthUrl);
    })().catch(async (error: unknown) => {
      await killChild(child);
      throw error;
    });
    this.#replicas.push(replica);
    return replica;
  }

  /** SIGKILLs every replica still running (afterEach). */
  async stopAll(): Promise<void> {
    await Promise.allSettled(this.#replicas.splice(0).map((r) => killChild(r.child)));
  }

  /** Removes the bundle and the scratch folder (afterAll). */
  async teardown(): Promise<void> {
    await this.stopAll();
    for (const dir of [this.#cli, this.#dir]) {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
  }
}

function replicaOf(name: string, child: Child, healthUrl: string): ServeReplica {
  const get = (path: string, init?: RequestInit) =>
    fetch(`${healthUrl}${path}`, { ...init, signal: AbortSignal.timeout(5_000) });
  return {
    name,
    child,
    healthUrl,
    async status() {
      return (await (await get('/status')).json()) as ServeStatus;
    },
    async ready() {
      return get('/ready').then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        () => 0,
      );
    },
    async metrics() {
      return (await get('/metrics?format=prometheus')).text();
    },
    running: () => child.process.exitCode === null && child.process.signalCode === null,
  };
}
