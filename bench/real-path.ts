/**
 * The real path against zero-latency fakes: real mode composed by composeReal (Vanta confirm, git workspace cache,
 * Bedrock SDK, Octokit) against fake Vanta, fake GitHub (bare repositories seeded with the synthetic small, medium
 * and large repositories) and fake Bedrock answering like a model, all three in one child process. Per size: one
 * cold remediation (clone), then `count` warm ones (fetch + reset), each a new failure and a new PR, run one at a
 * time so the CPU this process (and its git children) spends inside each port belongs to that port:
 *   git = checkout + workspace reads/writes/dispose (node + git processes), vanta = confirm, model = prompt, SDK
 *   call, answer parsing, publish = Octokit (look-up, blobs, tree, commit, ref, PR, labels),
 *   core = the rest: parse (worker threads), locate, validate, state, diff, PR body.
 * Standalone: `npm run build && node dist/bench/real-path.js [count]`.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadApiServerConfig } from '../src/config/api-server.js';
import { loadRealAdaptersConfig } from '../src/config/real-mode.js';
import { composeReal } from '../src/composition/real.js';
import type { PipelineAdapters } from '../src/composition/pipeline.js';
import { createLogger } from '../src/observability/logger.js';
import { failureSchema, type Failure, REPO_SIZES, type RepoSize } from '../src/pipeline/failure.js';
import type { Workspace } from '../src/pipeline/ports.js';
import { syntheticRepository } from '../src/simulation/synth/repository.js';
import { makeFailure, templatesFor } from '../src/simulation/synth/templates.js';
import { median } from './parse-timing.js';
import { startRealModeFakes } from './real-mode-fakes.js';

const TOKEN = 'ghp_benchrealpath000000000000000000000';
const CLIENT = { clientId: 'vci_benchrealpath01', clientSecret: 'vcs_benchrealpath_secret_01' };
export const PARTS = ['git', 'vanta', 'model', 'publish', 'core'] as const;
type Part = (typeof PARTS)[number];

export interface RealPathRow {
  size: RepoSize;
  /** Warm remediations run and completed. */
  remediations: number;
  completed: number;
  remediationsPerSecond: number;
  /** CPU ms per warm remediation: this process (threads included) plus its git children. */
  cpuMs: number;
  cpuMsByPart: Record<Part, number>;
  /** Wall ms per warm remediation by pipeline stage (the fakes' own work shows here, not in CPU). */
  wallMsByStage: Record<string, number>;
  /** The cold one (clone included). */
  coldCpuMs: number;
  /** Model input tokens per remediation (median), as the fake counts what the SDK sent. */
  promptTokensMedian: number;
}

/** CPU ms of waited-for children (git), from /proc/self/stat (cutime + cstime at 100 ticks/s). */
function childCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000 + childCpuMs();
}

/** Adds the CPU spent inside `fn` to `part`. Sound because remediations run one at a time. */
function metered(acc: Record<Part, number>, part: Part) {
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    const start = cpuNow();
    try {
      return await fn();
    } finally {
      acc[part] += cpuNow() - start;
    }
  };
}

function meteredAdapters(adapters: PipelineAdapters, acc: Record<Part, number>): PipelineAdapters {
  const git = metered(acc, 'git');
  const wrapWorkspace = (ws: Workspace): Workspace => ({
    repo: ws.repo,
    revision: ws.revision,
    terraformFiles: () => git(() => ws.terraformFiles()),
    writeFile: (path, content) => git(() => ws.writeFile(path, content)),
    dispose: () => git(() => ws.dispose()),
  });
  return {
    ...adapters,
    source: { confirm: (f, ctx) => metered(acc, 'vanta')(() => adapters.source.confirm(f, ctx)) },
    checkout: {
      checkout: async (r, ctx) => wrapWorkspace(await git(() => adapters.checkout.checkout(r, ctx))),
    },
    generator: { generate: (r, ctx) => metered(acc, 'model')(() => adapters.generator.generate(r, ctx)) },
    publisher: { publish: (d, ctx) => metered(acc, 'publish')(() => adapters.publisher.publish(d, ctx)) },
  };
}

/** `count` + 1 failures for a size's targets in turn, each with its own test id (new key, new PR). */
function failuresFor(size: RepoSize, count: number): Failure[] {
  const targets = syntheticRepository(size).targets.filter((t) => templatesFor(t.cfnType).length > 0);
  return Array.from({ length: count + 1 }, (_, i) => {
    const target = targets[i % targets.length]!;
    return failureSchema.parse(
      makeFailure({
        template: templatesFor(target.cfnType)[0]!.name,
        target,
        uniqueId: `${size}${String(i).padStart(5, '0')}`,
        size,
        failedAt: '2026-01-01T00:00:00Z',
      }),
    );
  });
}

async function writeRepo(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [path, content] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** Runs the real path per size; `count` warm remediations each (BENCH_REAL_PATH_COUNT). */
export async function measureRealPath(
  count: number,
  log: (line: string) => void = () => undefined,
): Promise<RealPathRow[]> {
  const work = await mkdtemp(join(tmpdir(), 'bench-real-path-'));
  const failures = new Map(REPO_SIZES.map((size) => [size, failuresFor(size, count)]));
  const repos: string[] = [];
  for (const size of REPO_SIZES) {
    const dir = join(work, 'repos', size);
    await writeRepo(dir, syntheticRepository(size).files);
    repos.push(`octo/terraform-${size}=${dir}`);
  }
  const all = [...failures.values()].flat();
  const dataFile = join(work, 'vanta.json');
  await writeFile(
    dataFile,
    JSON.stringify({
      clients: [CLIENT],
      tests: all.map((f) => ({ id: f.test_id, name: f.test_name, status: 'NEEDS_ATTENTION' })),
      entities: Object.fromEntries(
        all.map((f) => [f.test_id, [{ id: f.resource_id, displayName: f.resource_details.name }]]),
      ),
    }),
  );
  const fakes = await startRealModeFakes({ repos, dataFile, token: TOKEN });
  const rows: RealPathRow[] = [];
  try {
    for (const size of REPO_SIZES) {
      const env = {
        TERRAFIX_TERRAFORM_VALIDATE: 'off',
        TERRAFIX_PARSE_WORKERS: '1',
        PATH: process.env.PATH,
        VANTA_BASE_URL: fakes.urls.vanta,
        VANTA_CLIENT_ID: CLIENT.clientId,
        VANTA_CLIENT_SECRET: CLIENT.clientSecret,
        VANTA_CONFIRM_CACHE_SECONDS: '0',
        VANTA_RATE_LIMIT_PER_MINUTE: '10000',
        AWS_REGION: 'us-west-2',
        BEDROCK_MODEL_ID: 'us.anthropic.claude-opus-4-5-20251101-v1:0',
        GITHUB_TOKEN: TOKEN,
        GITHUB_API_URL: fakes.urls.github,
        TERRAFIX_WORKSPACE_DIR: join(work, `ws-${size}`),
        TERRAFIX_GITHUB_THROTTLE: 'false',
        GITHUB_REPO_MAPPING: JSON.stringify({ default: `octo/terraform-${size}` }),
      };
      const acc: Record<Part, number> = { git: 0, vanta: 0, model: 0, publish: 0, core: 0 };
      const tokens: number[] = [];
      const stageMs: Record<string, number> = {};
      const real = composeReal(
        { ...loadApiServerConfig(env), ...loadRealAdaptersConfig(env) },
        {
          logger: createLogger('silent'),
          observer: {
            stageFinished: (stage, ms) => {
              stageMs[stage] = (stageMs[stage] ?? 0) + ms;
            },
            retried: () => undefined,
            finished: () => undefined,
            modelUsage: (u) => tokens.push(u.inputTokens),
          },
        },
        {
          bedrock: {
            endpoint: fakes.urls.bedrock,
            credentials: { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench' },
          },
          adapters: (a) => meteredAdapters(a, acc),
        },
      );
      try {
        const [cold, ...warm] = failures.get(size) ?? [];
        const coldStart = cpuNow();
        await real.pipeline.process(cold!);
        const coldCpuMs = cpuNow() - coldStart;
        for (const part of PARTS) acc[part] = 0;
        tokens.length = 0;
        for (const stage of Object.keys(stageMs)) delete stageMs[stage];
        let completed = 0;
        const cpu0 = cpuNow();
        const t0 = performance.now();
        for (const failure of warm) {
          const result = await real.pipeline.process(failure);
          if (result.outcome.kind === 'completed') completed++;
          else
            log(
              `real path ${size}: ${result.outcome.kind} ${result.outcome.kind === 'failed' ? result.outcome.code : ''}`,
            );
        }
        const wallMs = performance.now() - t0;
        const cpuMs = (cpuNow() - cpu0) / warm.length;
        const byPart = Object.fromEntries(PARTS.map((p) => [p, acc[p] / warm.length])) as Record<
          Part,
          number
        >;
        byPart.core = Math.max(0, cpuMs - byPart.git - byPart.vanta - byPart.model - byPart.publish);
        rows.push({
          size,
          remediations: warm.length,
          completed,
          remediationsPerSecond: warm.length / (wallMs / 1000),
          cpuMs,
          cpuMsByPart: byPart,
          wallMsByStage: Object.fromEntries(
            Object.entries(stageMs).map(([stage, ms]) => [stage, ms / warm.length]),
          ),
          coldCpuMs,
          promptTokensMedian: median(tokens),
        });
        log(`real path ${size}: ${completed}/${warm.length} completed, ${cpuMs.toFixed(1)} CPU ms each`);
      } finally {
        await real.close();
      }
    }
  } finally {
    await fakes.stop();
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

const f1 = (v: number): string => v.toFixed(1);

/** The rows as a table, with what dominates. */
export function renderRealPath(rows: readonly RealPathRow[]): string {
  const header = `size    done   rem/s  CPU ms  ${PARTS.map((p) => p.padStart(8)).join('')}  cold CPU ms  model input tokens`;
  const lines = rows.map(
    (r) =>
      `${r.size.padEnd(8)}${`${r.completed}/${r.remediations}`.padStart(5)}${f1(r.remediationsPerSecond).padStart(8)}${f1(r.cpuMs).padStart(8)}  ` +
      `${PARTS.map((p) => f1(r.cpuMsByPart[p]).padStart(8)).join('')}${f1(r.coldCpuMs).padStart(13)}${String(r.promptTokensMedian).padStart(20)}`,
  );
  const dominant = rows.map((r) => {
    const [top] = [...PARTS].sort((a, b) => r.cpuMsByPart[b] - r.cpuMsByPart[a]);
    const share = top === undefined ? 0 : r.cpuMsByPart[top] / r.cpuMs;
    return `${r.size}: ${top ?? '?'} (${Math.round(share * 100)}%)`;
  });
  const walls = rows.map(
    (r) =>
      `  ${r.size}: ${Object.entries(r.wallMsByStage)
        .map(([stage, ms]) => `${stage} ${f1(ms)}`)
        .join(', ')}`,
  );
  return [
    'Real path against zero-latency fakes (one at a time, warm workspaces; CPU of this process and its git children)',
    header,
    ...lines,
    `CPU dominated by: ${dominant.join(', ')}`,
    "wall ms per remediation by stage (includes the fakes' own work, e.g. git in the fake GitHub):",
    ...walls,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? '12');
  const rows = await measureRealPath(count, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${renderRealPath(rows)}\n`);
}
