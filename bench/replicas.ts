/**
 * End-to-end remediations/s of `terrafix serve`, one replica against two, side by side: each run starts fresh fakes
 * (fake Vanta with M failing EBS volumes, fake GitHub with one bare repository holding them, fake Bedrock; zero
 * latency, one child process, test/fakes/real-mode/main.ts), a fresh Redis key prefix and fresh workspaces, starts
 * the replicas (`node dist/src/cli/main.js serve`, each its own process), waits until every one is ready, then
 * releases the failures on the fake Vanta (they were held passing) and times release → the M-th PR opened, on the
 * fakes' clock (the PRs' created_at). The leader polls every second, so the first PR comes up to a second after the
 * release; the steady rate (first PR → last) leaves that out. Then it checks that exactly M PRs exist, one per
 * failure (no duplicates), and reads each replica's processed count (how the work split).
 *
 * Configurations run interleaved within each round, in alternating order: one replica with the service's default
 * workers, two replicas with the same workers each, and one replica with twice the workers (the same concurrency
 * as two replicas in one process, to separate "more workers" from "more processes").
 * Standalone: `npm run build && node dist/bench/replicas.js` (BENCH_REPLICAS_RESOURCES, BENCH_REPLICAS_ROUNDS,
 * BENCH_REDIS_URL as in `npm run bench`).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { escapeGlob } from '../src/state/redis-keys.js';
import { loadBenchConfig } from './config.js';
import { baseEnv, type ChildServer, freePort, startServer } from './children.js';
import { SERVICE_DEFAULT_WORKERS } from './queue-ceiling.js';
import { startRealModeFakes } from './real-mode-fakes.js';
import { duplicates, orderFor, perSecond, roundRatios, type Spread, spread } from './rounds.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const TOKEN = 'ghp_benchreplicas00000000000000000000000';
const CLIENT = { clientId: 'vci_benchreplicas01', clientSecret: 'vcs_benchreplicas_secret_01' };
const REPO = { owner: 'octo', name: 'bench-volumes' };
const TEST_ID = 'aws-ebs-volume-encrypted';
const VOLUMES_PER_FILE = 5;

export interface ReplicaSetup {
  name: string;
  replicas: number;
  workersEach: number;
}

export interface ReplicaRun {
  round: number;
  setup: string;
  replicas: number;
  workersEach: number;
  resources: number;
  /** PRs found after the run (must equal resources). */
  pulls: number;
  /** Distinct head branches among them (must equal pulls: no duplicates). */
  distinctBranches: number;
  exact: boolean;
  /** Release → M-th PR created, ms (fakes' clock). */
  ms: number;
  /** Release → first PR created, ms: the poll interval's share plus one remediation. */
  firstPrMs: number;
  remediationsPerSecond: number;
  /** (M - 1) PRs over first → last PR. */
  steadyPerSecond: number;
  /** CPU ms per remediation of the replicas (git children included) and of the fakes (git http-backend included). */
  replicaCpuMs: number;
  fakesCpuMs: number;
  /** Failures processed by each replica (from its /metrics). */
  processedByReplica: number[];
}

export interface ReplicaRow {
  setup: string;
  remediationsPerSecond: Spread;
  steadyPerSecond: Spread;
  firstPrMs: Spread;
  replicaCpuMs: Spread;
  /** This setup's rate / the single default replica's, per round. */
  ratioToOne: Spread;
  /** The same for the steady rate (first PR → last): start-up (clone, SDKs loaded on first use) left out. */
  steadyRatioToOne: Spread;
}

export interface ReplicaScaling {
  resources: number;
  rounds: number;
  cpus: number;
  setups: ReplicaSetup[];
  runs: ReplicaRun[];
  rows: ReplicaRow[];
  /** Whether every run ended with exactly M PRs, one per failure. */
  allExact: boolean;
}

export function replicaSetups(workers: number): ReplicaSetup[] {
  return [
    { name: `1 replica x ${workers} workers`, replicas: 1, workersEach: workers },
    { name: `2 replicas x ${workers} workers`, replicas: 2, workersEach: workers },
    { name: `1 replica x ${2 * workers} workers`, replicas: 1, workersEach: 2 * workers },
  ];
}

/** CPU seconds of `pid` and of its waited-for children (git), from /proc/<pid>/stat. */
function treeCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

const volumeName = (i: number) => `bench-volume-${String(i).padStart(3, '0')}`;

/** A repository of `count` EBS volumes, VOLUMES_PER_FILE per file, none encrypted. */
async function writeVolumesRepo(dir: string, count: number): Promise<void> {
  await mkdir(join(dir, 'terraform'), { recursive: true });
  await writeFile(
    join(dir, 'terraform/main.tf'),
    'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\n\nprovider "aws" {\n  region = "us-west-2"\n}\n',
  );
  for (let file = 0; file * VOLUMES_PER_FILE < count; file++) {
    const blocks: string[] = [];
    for (let i = file * VOLUMES_PER_FILE; i < Math.min(count, (file + 1) * VOLUMES_PER_FILE); i++) {
      blocks.push(
        `resource "aws_ebs_volume" "volume_${i}" {\n  availability_zone = "us-west-2a"\n  size              = 8\n\n` +
          `  tags = {\n    Name = "${volumeName(i)}"\n  }\n}\n`,
      );
    }
    await writeFile(join(dir, `terraform/volumes-${file}.tf`), blocks.join('\n'));
  }
}

function vantaData(count: number): unknown {
  return {
    clients: [CLIENT],
    tests: [
      {
        id: TEST_ID,
        name: 'EBS volumes are encrypted',
        status: 'NEEDS_ATTENTION',
        failureDescription: 'The volume is not encrypted at rest',
      },
    ],
    entities: {
      [TEST_ID]: Array.from({ length: count }, (_, i) => ({
        id: `65e0000000000000000${String(i).padStart(5, '0')}`,
        displayName: volumeName(i),
        responseType: 'AWS EBS volume',
      })),
    },
  };
}

function replicaEnv(options: {
  urls: { vanta: string; github: string; bedrock: string };
  redisUrl: string;
  prefix: string;
  port: number;
  workers: number;
  workspace: string;
}): Record<string, string> {
  return {
    ...baseEnv(),
    REDIS_URL: options.redisUrl,
    TERRAFIX_REDIS_PREFIX: options.prefix,
    TERRAFIX_HEALTH_PORT: String(options.port),
    POLL_INTERVAL_SECONDS: '1',
    MAX_CONCURRENT_WORKERS: String(options.workers),
    LOG_LEVEL: 'warn',
    // The caps are guardrails for a real bot; here they would only pace the run.
    TERRAFIX_MAX_OPEN_PRS: '10000',
    TERRAFIX_MAX_PRS_PER_HOUR: '100000',
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    TERRAFIX_PARSE_WORKERS: '1',
    TERRAFIX_WORKSPACE_DIR: options.workspace,
    VANTA_BASE_URL: options.urls.vanta,
    VANTA_CLIENT_ID: CLIENT.clientId,
    VANTA_CLIENT_SECRET: CLIENT.clientSecret,
    VANTA_RATE_LIMIT_PER_MINUTE: '10000',
    AWS_REGION: 'us-west-2',
    BEDROCK_MODEL_ID: 'us.anthropic.claude-opus-4-5-20251101-v1:0',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: options.urls.bedrock,
    AWS_ACCESS_KEY_ID: 'AKIABENCHREPLICAS000',
    AWS_SECRET_ACCESS_KEY: 'bench-replicas-fake',
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: options.urls.github,
    // GitHub's content-creation pacing (1 s between writes, 3 s between PRs per process) would make this a
    // measurement of the pacing; the fake does not need it.
    TERRAFIX_GITHUB_THROTTLE: 'false',
    TERRAFIX_GITHUB_WRITE_INTERVAL_MS: '0',
    TERRAFIX_GITHUB_PR_INTERVAL_MS: '0',
    GITHUB_REPO_MAPPING: JSON.stringify({ default: `${REPO.owner}/${REPO.name}` }),
  };
}

/** Failures this replica has processed to an outcome (its /metrics, Prometheus text). */
async function processed(replica: ChildServer): Promise<number> {
  const response = await fetch(`${replica.url}/metrics?format=prometheus`, {
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  const m = /^(?:terrafix_)?failures_processed_total(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(text);
  return Number(m?.[1] ?? 0);
}

interface Pull {
  head: { ref: string };
  created_at: string;
}

async function listPulls(github: string): Promise<Pull[]> {
  const pulls: Pull[] = [];
  for (let page = 1; ; page++) {
    const response = await fetch(
      `${github}/repos/${REPO.owner}/${REPO.name}/pulls?state=all&per_page=100&page=${page}`,
      { headers: { authorization: `token ${TOKEN}` }, signal: AbortSignal.timeout(60_000) },
    );
    if (!response.ok) throw new Error(`listing the fake's pulls: HTTP ${response.status}`);
    const batch = (await response.json()) as Pull[];
    pulls.push(...batch);
    if (batch.length < 100) return pulls;
  }
}

async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

async function oneRun(
  setup: ReplicaSetup,
  round: number,
  resources: number,
  redisUrl: string,
  work: string,
  log: (line: string) => void,
): Promise<ReplicaRun> {
  const runDir = await mkdtemp(join(work, 'run-'));
  const repoDir = join(runDir, 'repo');
  await writeVolumesRepo(repoDir, resources);
  const dataFile = join(runDir, 'vanta.json');
  await writeFile(dataFile, JSON.stringify(vantaData(resources)));
  const prefix = `terrafix-bench-${randomBytes(6).toString('hex')}:`;
  const fakes = await startRealModeFakes({
    repos: [`${REPO.owner}/${REPO.name}=${repoDir}`],
    dataFile,
    token: TOKEN,
    hold: true,
  });
  const replicas: ChildServer[] = [];
  try {
    for (let i = 0; i < setup.replicas; i++) {
      const port = await freePort();
      replicas.push(
        await startServer({
          name: `serve-${i + 1}`,
          script: CLI,
          args: ['serve'],
          env: replicaEnv({
            urls: fakes.urls,
            redisUrl,
            prefix,
            port,
            workers: setup.workersEach,
            workspace: join(runDir, `ws-${i + 1}`),
          }),
          port,
          readyPath: '/ready',
          readyTimeoutMs: 60_000,
        }),
      );
    }
    const cpu0 = replicas.map((r) => treeCpuSeconds(r.pid));
    const fakesCpu0 = treeCpuSeconds(fakes.pid);
    const released = await fakes.release();
    const deadline = Date.now() + 60_000 + resources * 5_000;
    let counts = replicas.map(() => 0);
    while (counts.reduce((a, b) => a + b, 0) < resources) {
      if (Date.now() > deadline)
        throw new Error(`${setup.name}: ${String(counts)} of ${resources} processed in time`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      counts = await Promise.all(replicas.map(processed));
    }
    const replicaCpu = replicas.reduce((t, r, i) => t + treeCpuSeconds(r.pid) - (cpu0[i] ?? 0), 0);
    const fakesCpu = treeCpuSeconds(fakes.pid) - fakesCpu0;
    // A duplicate would be a second PR for a failure already done: give one a moment to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pulls = await listPulls(fakes.urls.github);
    const created = pulls.map((p) => Date.parse(p.created_at)).sort((a, b) => a - b);
    const first = created[0] ?? Number.NaN;
    const last = created[created.length - 1] ?? Number.NaN;
    const distinct =
      pulls.length - [...duplicates(pulls.map((p) => p.head.ref)).values()].reduce((t, n) => t + n - 1, 0);
    const run: ReplicaRun = {
      round,
      setup: setup.name,
      replicas: setup.replicas,
      workersEach: setup.workersEach,
      resources,
      pulls: pulls.length,
      distinctBranches: distinct,
      exact: pulls.length === resources && distinct === resources,
      ms: last - released,
      firstPrMs: first - released,
      remediationsPerSecond: perSecond(pulls.length, last - released),
      steadyPerSecond: perSecond(pulls.length - 1, last - first),
      replicaCpuMs: (replicaCpu * 1000) / resources,
      fakesCpuMs: (fakesCpu * 1000) / resources,
      processedByReplica: counts,
    };
    log(
      `replicas round ${round}, ${setup.name}: ${run.pulls} PRs (${run.exact ? 'exactly one per failure' : 'NOT one per failure'}) ` +
        `in ${(run.ms / 1000).toFixed(1)} s, ${run.remediationsPerSecond.toFixed(2)} remediations/s, split ${counts.join('/')}`,
    );
    return run;
  } finally {
    await Promise.allSettled(replicas.map((r) => r.stop(30_000)));
    await fakes.stop();
    await deletePrefix(redisUrl, prefix);
    await rm(runDir, { recursive: true, force: true });
  }
}

export interface ReplicaOptions {
  resources: number;
  rounds: number;
  redisUrl: string;
  workers?: number;
  cpus: number;
}

/** Interleaved rounds of every setup; ratios to the single default replica taken within each round. */
export async function measureReplicas(
  options: ReplicaOptions,
  log: (line: string) => void = () => undefined,
): Promise<ReplicaScaling> {
  const setups = replicaSetups(options.workers ?? SERVICE_DEFAULT_WORKERS);
  const work = await mkdtemp(join(tmpdir(), 'bench-replicas-'));
  const runs: ReplicaRun[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const setup of orderFor(round - 1, setups)) {
        runs.push(await oneRun(setup, round, options.resources, options.redisUrl, work, log));
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const of = (name: string, pick: (r: ReplicaRun) => number) =>
    runs
      .filter((r) => r.setup === name)
      .sort((a, b) => a.round - b.round)
      .map(pick);
  const base = of(setups[0]?.name ?? '', (r) => r.remediationsPerSecond);
  const steadyBase = of(setups[0]?.name ?? '', (r) => r.steadyPerSecond);
  const rows = setups.map((s) => ({
    setup: s.name,
    remediationsPerSecond: spread(of(s.name, (r) => r.remediationsPerSecond)),
    steadyPerSecond: spread(of(s.name, (r) => r.steadyPerSecond)),
    firstPrMs: spread(of(s.name, (r) => r.firstPrMs)),
    replicaCpuMs: spread(of(s.name, (r) => r.replicaCpuMs)),
    ratioToOne: spread(
      roundRatios(
        of(s.name, (r) => r.remediationsPerSecond),
        base,
      ),
    ),
    steadyRatioToOne: spread(
      roundRatios(
        of(s.name, (r) => r.steadyPerSecond),
        steadyBase,
      ),
    ),
  }));
  return {
    resources: options.resources,
    rounds: options.rounds,
    cpus: options.cpus,
    setups,
    runs,
    rows,
    allExact: runs.every((r) => r.exact),
  };
}

const f = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** The scaling as text: rates per setup, ratios to one replica, CPU per remediation, and the PR check. */
export function renderReplicas(s: ReplicaScaling): string {
  const rows = s.rows.map(
    (r) =>
      `  ${r.setup.padEnd(24)} ${f(r.remediationsPerSecond.median).padStart(6)} rem/s ` +
      `(${r.remediationsPerSecond.values.map((v) => f(v)).join(' / ')}), ` +
      `x${f(r.ratioToOne.median)} of one replica (${r.ratioToOne.values.map((v) => f(v)).join(' / ')}); ` +
      `first PR after ${f(r.firstPrMs.median / 1000, 1)} s; steady (first → last PR) ${f(r.steadyPerSecond.median)}/s, ` +
      `x${f(r.steadyRatioToOne.median)} (${r.steadyRatioToOne.values.map((v) => f(v)).join(' / ')}); ` +
      `${f(r.replicaCpuMs.median, 0)} CPU ms/remediation in the replicas`,
  );
  const fakesCpu = spread(s.runs.map((r) => r.fakesCpuMs)).median;
  const splits = s.runs
    .filter((r) => r.replicas > 1)
    .map((r) => r.processedByReplica.join('/'))
    .join(', ');
  const inexact = s.runs.filter((r) => !r.exact);
  return [
    `Replicas: terrafix serve end to end against zero-latency fakes (${s.resources} failing EBS volumes, one ` +
      `repository, the leader polls every 1 s), release → ${s.resources}-th PR; ${s.rounds} interleaved rounds, ` +
      `median (every round); ${s.cpus} CPUs on this machine`,
    ...rows,
    `  PR check: ${
      inexact.length === 0
        ? `every run opened exactly ${s.resources} PRs, one per failure (no duplicates)`
        : `NOT EXACT in ${inexact.map((r) => `${r.setup} round ${r.round}: ${r.pulls} PRs, ${r.distinctBranches} branches`).join('; ')}`
    }`,
    `  work split between two replicas (failures processed each): ${splits || 'n/a'}; fakes' CPU ${f(fakesCpu, 0)} ms/remediation (git http-backend included)`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = loadBenchConfig();
  const result = await measureReplicas(
    {
      resources: Math.max(1, config.replicaResources),
      rounds: config.replicaRounds,
      redisUrl: config.redisUrl,
      cpus: cpus().length,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${renderReplicas(result)}\n`);
}
