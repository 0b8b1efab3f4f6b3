/** `terrafix process-once` in real mode: one failure through Vanta, git, Bedrock and GitHub, or a dry run. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import type { ApiServerConfig } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { loadRealAdaptersConfig } from '../config/real-mode.js';
import { DryRunPublisher, repoRelativePatch } from '../composition/dry-run.js';
import { composeReal } from '../composition/real.js';
import { AdapterMetrics } from '../observability/adapter-metrics.js';
import { createLogger } from '../observability/logger.js';
import { PipelineMetrics } from '../observability/pipeline-metrics.js';
import type { Failure } from '../pipeline/failure.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import type { ModelUsage } from '../pipeline/ports.js';
import { redactText } from '../pipeline/redact.js';

export interface RealRun {
  result: ProcessResult;
  simulated: boolean;
  /** The model that was called, and the run's cost when priced. */
  model?: string;
  costUsd?: number;
  /** Where a dry run wrote the would-be PR. */
  dryRunDir?: string;
}

/** Writes body.md, fix.patch and pr.json for a dry run's draft. */
async function writeDryRun(
  dir: string,
  publisher: DryRunPublisher,
  result: ProcessResult,
  terraformPath: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const draft = publisher.drafts.at(-1);
  const patch = repoRelativePatch(result.diff ?? '', terraformPath);
  await writeFile(join(dir, 'fix.patch'), redactText(patch));
  if (draft !== undefined) await writeFile(join(dir, 'body.md'), draft.body);
  const pr = {
    outcome: result.outcome.kind,
    failure_hash: result.key,
    ...(draft === undefined
      ? {}
      : {
          repository: `${draft.repo.owner}/${draft.repo.name}`,
          base: draft.repo.baseBranch,
          branch: draft.branch,
          title: draft.title,
          labels: draft.labels,
          commit_message: draft.commitMessage,
          files: draft.changes.map((c) => (terraformPath === '.' ? c.path : `${terraformPath}/${c.path}`)),
        }),
    usage: result.usage ?? null,
  };
  await writeFile(join(dir, 'pr.json'), `${JSON.stringify(pr, null, 2)}\n`);
}

/**
 * Runs `failure` through the real adapters (configuration from `env`; a missing or invalid variable is a TFX_CONFIG
 * error naming it). A dry run keeps state in memory, so it never marks a failure done in a shared Redis.
 */
export async function runReal(
  config: ApiServerConfig,
  env: Env,
  failure: Failure,
  dryRunDir: string | undefined,
): Promise<RealRun> {
  const adapters = loadRealAdaptersConfig(env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const metrics = new PipelineMetrics();
  const usage: ModelUsage[] = [];
  const dryRun = dryRunDir === undefined ? undefined : new DryRunPublisher();
  const real = composeReal(
    {
      ...config,
      ...adapters,
      parse: { ...config.parse, workers: 1 },
      redisUrl: dryRun === undefined ? config.redisUrl : undefined,
    },
    {
      logger,
      observer: {
        ...metrics.observer,
        modelUsage: (u) => {
          usage.push(u);
          metrics.observer.modelUsage?.(u);
        },
      },
      adapterMetrics: new AdapterMetrics(metrics.registry),
    },
    dryRun === undefined ? {} : { adapters: (a) => ({ ...a, publisher: dryRun }) },
  );
  try {
    const result = await real.pipeline.process(failure, { keepDiff: true });
    const run: RealRun = { result, simulated: false };
    const model = usage.at(-1)?.model;
    if (model !== undefined) run.model = model;
    if (usage.length > 0 && usage.every((u) => u.costUsd !== undefined))
      run.costUsd = usage.reduce((sum, u) => sum + (u.costUsd ?? 0), 0);
    if (dryRun !== undefined && dryRunDir !== undefined) {
      run.dryRunDir = resolve(dryRunDir);
      await writeDryRun(run.dryRunDir, dryRun, result, adapters.github.terraformPath);
    }
    return run;
  } finally {
    await real.close();
  }
}
