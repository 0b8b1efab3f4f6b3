import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TerraFixError, toTerraFixError } from '../../src/pipeline/errors.js';
import { DEFAULT_QUEUE_SIZING } from '../../src/config/api-server.js';
import { DEFAULT_RETRY_POLICY } from '../../src/pipeline/retry.js';
import { EXTERNAL_STAGES } from '../../src/pipeline/stages.js';
import type { EngineRunSpec, LoadEngine } from '../engine/port.js';
import { loadDuration, type RunProfile, warmupLoad } from '../profiles/schema.js';
import type { RunSummary } from '../results/summary-schema.js';
import { errorSummary, summarizeRun } from '../results/summarize.js';
import type { ProgressSink } from './progress.js';
import { Scraper } from './scraper.js';
import type { TargetClient } from './target-client.js';
import { configMismatches } from './verify-config.js';

export interface RunContext {
  experiment: string;
  target: TargetClient;
  engine: LoadEngine;
  seed: number;
  /** Folder of the whole result set; this run writes `<experiment>/<run>/`. */
  output: string;
  progress: ProgressSink;
  signal?: AbortSignal;
  maxRequests: number;
  /** The user opted in to a non-loopback target. */
  allowRemote?: boolean;
  /** Signs load requests (real-mode target); from TERRAFIX_WEBHOOK_SECRET. */
  webhookSecret?: string;
  /** Targets that are not TerraFix mock servers: no /configure, /stats/reset or phases (real mode). */
  mockControls?: boolean;
}

/** Seed offset of the warm-up, so its failures never collide with the measured run's. */
const WARMUP_SEED_OFFSET = 7919;

/**
 * Expected latency of one request at the planned load, for sizing k6's pre-allocated VUs: a sync webhook waits
 * for the whole pipeline (four simulated external calls at the configured latency, plus parsing and the fix), an
 * async one only for intake.
 */
export function expectedLatencyMs(run: RunProfile): number {
  if (run.payload.mode === 'async') return 20;
  const perCall = typeof run.mock.latency_ms === 'number' ? run.mock.latency_ms : 50;
  return perCall * EXTERNAL_STAGES.length + 50;
}

/** The engine spec of one run (also what `experiments export` writes for plain k6). */
export function engineSpecOf(
  run: RunProfile,
  ctx: Pick<RunContext, 'seed' | 'maxRequests' | 'allowRemote' | 'webhookSecret'>,
  baseUrl: string,
): EngineRunSpec {
  return {
    baseUrl,
    load: run.load,
    payload: run.payload,
    seed: ctx.seed,
    requestTimeoutMs: 60_000,
    maxRequests: ctx.maxRequests,
    stopWhen: run.stopWhen,
    thresholds: run.thresholds,
    expectedLatencyMs: expectedLatencyMs(run),
    ...(ctx.allowRemote === true ? { allowRemote: true } : {}),
    ...(ctx.webhookSecret === undefined ? {} : { webhookSecret: ctx.webhookSecret }),
  };
}

/**
 * The mock configuration a run starts from: every knob set, every stage override cleared, then the run's own
 * settings. Nothing carries over from the previous run.
 */
export function baselineConfig(run: RunProfile, seed: number): Record<string, unknown> {
  const clearStages = Object.fromEntries(EXTERNAL_STAGES.map((s) => [s, null]));
  return {
    latency_ms: 50,
    failure_rate: 0,
    seed,
    workers: DEFAULT_QUEUE_SIZING.workers,
    queue_limit: DEFAULT_QUEUE_SIZING.limit,
    parse_cache: true,
    retry: DEFAULT_RETRY_POLICY,
    ...run.mock,
    stages: { ...clearStages, ...(run.mock.stages ?? {}) },
  };
}

/** POST /configure, then read GET /status back: a configuration that did not take fails the run. */
export async function applyAndVerify(target: TargetClient, body: Record<string, unknown>): Promise<void> {
  await target.configure(body).catch((error: unknown) => {
    const e = toTerraFixError(error);
    throw new TerraFixError('TFX_CONFIG', `mock configuration refused: ${e.message}`, {
      category: 'config',
      cause: e,
    });
  });
  const status = await target.status();
  const effective = (status.config ?? {}) as Record<string, unknown>;
  const problems = configMismatches(body, effective);
  if (status.mock_mode !== true) problems.unshift('target is not in mock mode');
  if (problems.length > 0) {
    throw new TerraFixError('TFX_CONFIG', `mock configuration did not take: ${problems.join('; ')}`, {
      category: 'config',
    });
  }
}

async function waitForIdle(target: TargetClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await target.status().catch(() => undefined);
    const queue = status?.queue as { depth?: number; active_workers?: number } | undefined;
    if (queue !== undefined && (queue.depth ?? 0) + (queue.active_workers ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Configures, resets, loads, scrapes and records one run. Errors become an `error` summary, never a result. */
export async function runOne(run: RunProfile, ctx: RunContext): Promise<RunSummary> {
  const dir = join(ctx.output, ctx.experiment, run.name);
  await mkdir(dir, { recursive: true });
  let scraper: Scraper | undefined;
  const timers: NodeJS.Timeout[] = [];
  try {
    const mock = ctx.mockControls !== false;
    if (mock) {
      await applyAndVerify(ctx.target, baselineConfig(run, ctx.seed));
      await ctx.target.reset(true);
    }
    const spec = engineSpecOf(run, ctx, ctx.target.baseUrl);
    const signal = ctx.signal === undefined ? {} : { signal: ctx.signal };
    const warnings = (line: string): void => ctx.progress.log(`k6 warning: ${line}`);
    if (run.warmupSeconds > 0 && ctx.signal?.aborted !== true) {
      // Sent but not recorded: its result is dropped and the server's counters are reset after it.
      const warm = await ctx.engine.run(
        {
          ...spec,
          load: warmupLoad(run.load, run.warmupSeconds),
          seed: (ctx.seed + WARMUP_SEED_OFFSET) % 2 ** 31,
          stopWhen: undefined,
          thresholds: undefined,
        },
        { ...signal, onWarning: warnings, artifactsDir: join(dir, 'warmup') },
      );
      ctx.progress.log(
        `[${run.name}] warm-up: ${warm.requests} requests in ${run.warmupSeconds} s, not recorded`,
      );
      if (mock) {
        await waitForIdle(ctx.target, 30_000);
        await ctx.target.reset(true);
      }
    }
    // Every timed action and scrape counts from the load's real start, which the engine reports (k6: after
    // its init and setup(); built-in: its t0). Until then the clock stands at the call.
    let loadStart = Date.now();
    scraper = new Scraper(
      () => ctx.target.metrics(),
      () => loadStart,
    );
    await scraper.sample();
    const phaseErrors: string[] = [];
    const onLoadStart = (epochMs: number): void => {
      loadStart = epochMs;
      for (const phase of mock ? run.phases : []) {
        timers.push(
          setTimeout(
            () => {
              ctx.target
                .configure(phase.mock)
                .catch((error: unknown) => phaseErrors.push(toTerraFixError(error).message));
            },
            Math.max(0, epochMs + phase.at * 1000 - Date.now()),
          ),
        );
      }
      scraper?.start(1_000);
    };
    ctx.progress.runStarted(run.name, loadDuration(run.load));
    const result = await ctx.engine.run(spec, {
      ...signal,
      onSecond: (p) => ctx.progress.second(p),
      onLoadStart,
      onWarning: warnings,
      artifactsDir: dir,
    });
    timers.forEach(clearTimeout);
    if (mock) await waitForIdle(ctx.target, 30_000);
    await scraper.stop();
    await scraper.sample();
    const healthyAfter = await ctx.target.healthy();
    if (phaseErrors.length > 0)
      throw new TerraFixError(
        'TFX_CONFIG',
        `a phase's mock configuration failed: ${phaseErrors.join('; ')}`,
        { category: 'config' },
      );
    const files = {
      result: `${ctx.experiment}/${run.name}/result.json`,
      scrapes: `${ctx.experiment}/${run.name}/scrapes.json`,
    };
    await writeFile(join(ctx.output, files.result), `${JSON.stringify(result, null, 2)}\n`, 'utf8');
    await writeFile(join(ctx.output, files.scrapes), `${JSON.stringify(scraper.samples)}\n`, 'utf8');
    await writeFile(join(dir, 'profile.json'), `${JSON.stringify(run, null, 2)}\n`, 'utf8');
    const summary = summarizeRun(run, ctx.experiment, result, scraper.samples, healthyAfter, files);
    const p95 = summary.latencyMs?.p95.toFixed(1) ?? '-';
    ctx.progress.runEnded(
      `${summary.status}: ${summary.requests} requests, ${summary.achievedRate.toFixed(1)}/s, p95 ${p95} ms, errors ${(summary.errorRate * 100).toFixed(2)} %` +
        `${summary.thresholds.length > 0 ? `, thresholds ${summary.passed ? 'passed' : 'FAILED'}` : ''}`,
    );
    return summary;
  } catch (thrown) {
    const error = toTerraFixError(thrown);
    ctx.progress.runEnded(`error: ${error.message}`);
    return errorSummary(run, ctx.experiment, error);
  } finally {
    timers.forEach(clearTimeout);
    await scraper?.stop();
  }
}
