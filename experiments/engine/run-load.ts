/**
 * One load run from start to RunResult: builds the client, recorder and model, ticks the per-second timeline,
 * and ends the run at the planned duration, at maxRequests, on a stopWhen breach or on the abort signal.
 * After the load phase, requests still in flight may finish (each is bounded by requestTimeoutMs); only the abort
 * signal abandons them, and abandoned requests are counted nowhere (they have no outcome to count).
 */
import { loadDuration } from '../profiles/schema.js';
import type { RunResult, TimelinePoint } from '../results/run-result.js';
import { ClosedModel } from './closed-model.js';
import { LoopbackClient } from './http-client.js';
import { loopbackOrigin } from './loopback.js';
import { OpenModel } from './open-model.js';
import type { EngineRunOptions, EngineRunSpec } from './port.js';
import { Recorder } from './recorder.js';
import { buildRunResult } from './result.js';
import { isArrivalShape } from './schedule.js';
import { StopWatch } from './stop-conditions.js';
import { IterationCounter, type IterationSource, type RunParts } from './vu.js';

/** What a run needs: the engine spec minus the payload mix, plus where request bodies come from. */
export interface LoadPlan extends Omit<EngineRunSpec, 'payload' | 'seed'> {
  source: IterationSource;
}

/** Extra wait for in-flight requests past their own timeout, in case a callback never comes. */
const DRAIN_SLACK_MS = 1_000;

/** Runs the plan; rejects only for a non-loopback target, otherwise always resolves (aborted set if cut short). */
export function runLoad(plan: LoadPlan, options: EngineRunOptions = {}): Promise<RunResult> {
  const origin = loopbackOrigin(plan.baseUrl, plan.allowRemote === true);
  return new Promise((resolve) => new LoadRun(plan, origin, options, resolve).start());
}

class LoadRun {
  private readonly plannedMs: number;
  private readonly client: LoopbackClient;
  private readonly startedAt = new Date();
  private readonly t0 = performance.now();
  private readonly recorder: Recorder;
  private readonly counter: IterationCounter;
  private readonly model: OpenModel | ClosedModel;
  private readonly stopWatch: StopWatch;
  private readonly timeline: TimelinePoint[] = [];
  private tick: NodeJS.Timeout | undefined;
  private endTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private aborted: string | null = null;
  private stopping = false;
  private finished = false;
  private readonly onAbort = (): void => this.stop('interrupted', true);

  constructor(
    private readonly plan: LoadPlan,
    origin: string,
    private readonly options: EngineRunOptions,
    private readonly resolve: (result: RunResult) => void,
  ) {
    this.plannedMs = loadDuration(plan.load) * 1000;
    this.client = new LoopbackClient(origin, plan.requestTimeoutMs);
    this.recorder = new Recorder(this.t0, Math.max(0, Math.ceil(this.plannedMs / 1000) - 1));
    this.counter = new IterationCounter(plan.maxRequests, () =>
      this.stop(`maxRequests ${plan.maxRequests} reached`),
    );
    const parts: RunParts = {
      client: this.client,
      recorder: this.recorder,
      source: plan.source,
      counter: this.counter,
    };
    this.model = isArrivalShape(plan.load)
      ? new OpenModel(parts, plan.load, this.t0)
      : new ClosedModel(parts, plan.load, this.t0, this.plannedMs);
    this.stopWatch = new StopWatch(plan.stopWhen);
  }

  start(): void {
    const signal = this.options.signal;
    if (signal?.aborted === true) return this.stop('interrupted', true);
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.endTimer = setTimeout(() => this.stop(null), this.plannedMs);
    this.armTick(1);
    this.options.onLoadStart?.(this.startedAt.getTime());
    this.model.start();
  }

  private armTick(second: number): void {
    this.tick = setTimeout(() => this.onTick(), Math.max(0, this.t0 + second * 1000 - performance.now()));
  }

  private onTick(): void {
    const now = performance.now();
    // Catch up on due iterations first, so a second's scheduled/dropped counts are complete when it is flushed.
    this.model.pump();
    if (this.stopping) return;
    const elapsed = Math.floor((now - this.t0) / 1000);
    this.emit(this.recorder.flushBefore(elapsed, this.model.activeVUs()));
    if (!this.stopping) this.armTick(elapsed + 1);
  }

  private emit(points: TimelinePoint[], evaluate = true): void {
    for (const point of points) {
      this.timeline.push(point);
      this.options.onSecond?.(point);
      if (!evaluate || this.stopping) continue;
      const reason = this.stopWatch.observe(point);
      if (reason !== null) this.stop(reason);
    }
  }

  /** Ends the load phase (reason null = planned end); `abandon` drops what is in flight instead of waiting. */
  private stop(reason: string | null, abandon = false): void {
    if (this.stopping) {
      if (abandon) this.abandon('interrupted');
      return;
    }
    this.stopping = true;
    // Iterations due up to the planned end, even if its timer fired early (before counter.stopping shuts the door).
    if (reason === null) this.model.pump(this.plannedMs);
    this.counter.stopping = true;
    const now = performance.now();
    if (reason !== null && now - this.t0 < this.plannedMs) {
      this.aborted = reason;
      this.recorder.truncateAt(now);
    }
    clearTimeout(this.tick);
    clearTimeout(this.endTimer);
    const activeAtStop = this.model.activeVUs();
    this.drainTimer = setTimeout(
      () => this.abandon('in-flight requests outlived requestTimeoutMs'),
      this.plan.requestTimeoutMs + DRAIN_SLACK_MS,
    );
    this.model.stop(() => void this.finish(activeAtStop));
    if (abandon) this.abandon('interrupted');
  }

  private abandon(reason: string): void {
    this.aborted ??= reason;
    this.client.abandonAll();
    void this.finish(this.model.activeVUs());
  }

  private async finish(activeVUs: number): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const endedAt = new Date();
    const tEnd = performance.now();
    clearTimeout(this.drainTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    // Sealing the recorder first: completions of abandoned requests must not change totals after the timeline.
    this.emit(this.recorder.flushAll(activeVUs), false);
    const open = this.model instanceof OpenModel ? this.model : undefined;
    const result = buildRunResult({
      recorder: this.recorder,
      timeline: this.timeline,
      startedAt: this.startedAt,
      endedAt,
      durationSeconds: (tEnd - this.t0) / 1000,
      intendedRate: open === undefined ? null : open.schedule.total / (this.plannedMs / 1000),
      aborted: this.aborted,
    });
    await this.client.close().catch(() => undefined);
    this.resolve(result);
  }
}
