import type { Logger } from 'pino';
import type { TerraformAnalyzer } from './analyzer.js';
import { unifiedDiff } from './diff.js';
import { TerraFixError, toTerraFixError } from './errors.js';
import { type Failure, failureKey, repoSizeOf } from './failure.js';
import type { PipelineObserver } from './observer.js';
import type { Outcome, ProcessResult } from './outcome.js';
import type {
  CallContext,
  FailureSource,
  FixGenerator,
  PullRequestPublisher,
  RepoCheckout,
  RepoResolver,
  Workspace,
} from './ports.js';
import type { PendingRecords } from './pending-records.js';
import { buildDraft, fixOrigin } from './pull-request.js';
import { type RetryPolicy, runWithRetry } from './retry.js';
import type { Stage, StageTimings } from './stages.js';
import type { StateStore } from './state-store.js';

export interface PipelineDeps {
  source: FailureSource;
  resolver: RepoResolver;
  checkout: RepoCheckout;
  generator: FixGenerator;
  publisher: PullRequestPublisher;
  analyzer: TerraformAnalyzer;
  state: StateStore;
  retry: () => RetryPolicy;
  observer: PipelineObserver;
  logger: Logger;
  /** Wait used between retries; injectable so tests do not sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** State-store calls are retried through an outage for this long (default: the policy's attempts only). */
  stateDeadlineMs?: number;
  /** Where a published PR's record waits when the store stays unreachable past the deadline. */
  pending?: PendingRecords;
}

export interface ProcessOptions {
  signal?: AbortSignal;
  keepDiff?: boolean;
  /** A run resumed after its worker died (the shared queue's stalled-job check): take over its claim. */
  takeOver?: boolean;
}

export interface Pipeline {
  /** Runs one validated failure to an outcome. Never throws: every error becomes a `failed` outcome. */
  process(failure: Failure, options?: ProcessOptions): Promise<ProcessResult>;
}

/** One run's mutable bookkeeping. */
interface Run {
  key: string;
  timings: StageTimings;
  retries: Partial<Record<Stage, number>>;
  stage: Stage | 'claim' | 'record';
  signal: AbortSignal | undefined;
}

/** Builds the pipeline core over its ports. */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { observer } = deps;

  async function timed<T>(run: Run, stage: Stage, fn: () => Promise<T>): Promise<T> {
    run.stage = stage;
    const start = performance.now();
    let ok = false;
    try {
      const value = await fn();
      ok = true;
      return value;
    } finally {
      const ms = performance.now() - start;
      run.timings[stage] = ms;
      observer.stageFinished(stage, ms, ok);
    }
  }

  /** An external call under the retry policy; the attempt number reaches the port through the call context. */
  function external<T>(run: Run, stage: Stage, call: (ctx: CallContext) => Promise<T>): Promise<T> {
    return timed(run, stage, () =>
      runWithRetry(
        (attempt) =>
          call(
            run.signal === undefined
              ? { key: run.key, attempt }
              : { key: run.key, attempt, signal: run.signal },
          ),
        deps.retry(),
        {
          ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
          ...(run.signal === undefined ? {} : { signal: run.signal }),
          onRetry: ({ attempt, error }) => {
            run.retries[stage] = attempt + 1;
            observer.retried(stage, attempt, error.code);
          },
        },
      ),
    );
  }

  /** A state-store call, retried under the policy until the store deadline: an outage is waited out. */
  function stored<T>(run: Run, call: () => Promise<T>): Promise<T> {
    return runWithRetry(() => call(), deps.retry(), {
      ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
      ...(run.signal === undefined ? {} : { signal: run.signal }),
      ...(deps.stateDeadlineMs === undefined ? {} : { deadlineMs: deps.stateDeadlineMs }),
    });
  }

  async function steps(
    failure: Failure,
    run: Run,
    keepDiff: boolean,
    takeOver: boolean,
  ): Promise<Omit<ProcessResult, 'key' | 'timings' | 'retries'>> {
    // A pure lookup, so it comes first: an unmapped failure claims nothing, records nothing and costs no Vanta
    // call, and a corrected GITHUB_REPO_MAPPING applies to it at once. Its own outcome, not an error.
    const repo = deps.resolver.resolve(failure);
    if (repo === undefined)
      return { outcome: { kind: 'skipped_unmapped', resourceArn: failure.resource_arn } };

    run.stage = 'claim';
    // Its PR exists and its record waits for the store: the same as a completed record.
    if (deps.pending?.has(run.key) === true)
      return { outcome: { kind: 'skipped_duplicate', status: 'completed', reason: 'completed' } };
    const claim = await stored(run, () =>
      deps.state.claim(
        run.key,
        { test_id: failure.test_id, resource_arn: failure.resource_arn },
        { takeOver },
      ),
    );
    if (!claim.claimed)
      return { outcome: { kind: 'skipped_duplicate', status: claim.status, reason: claim.reason } };

    const confirmed = await external(run, 'fetch_vanta', (ctx) => deps.source.confirm(failure, ctx));
    if (!confirmed.stillFailing) {
      await stored(run, () =>
        deps.state.fail(run.key, {
          code: 'TFX_RESOLVED',
          message: 'test no longer failing',
          retryable: true,
        }),
      );
      return { outcome: { kind: 'skipped_resolved' } };
    }

    const workspace: Workspace = await external(run, 'clone_repo', (ctx) =>
      deps.checkout.checkout({ repo, sizeHint: repoSizeOf(failure), failure }, ctx),
    );
    try {
      const tree = { revision: workspace.revision, files: await workspace.terraformFiles() };
      const target = await timed(run, 'parse_terraform', () => deps.analyzer.locate(tree, failure));
      const content = tree.files.get(target.path) ?? '';
      const fix = await external(run, 'bedrock_inference', (ctx) =>
        deps.generator.generate(
          {
            failure,
            path: target.path,
            content,
            address: target.address,
            block: target.block,
            related: target.related,
          },
          ctx,
        ),
      );
      const check = await timed(run, 'validate_fix', () =>
        deps.analyzer.validate(tree, target, fix.fixedContent),
      );
      if (!check.ok) {
        throw new TerraFixError(check.code, `fix for ${target.address} rejected: ${check.reason}`, {
          category: 'permanent',
        });
      }
      await workspace.writeFile(target.path, fix.fixedContent);
      const draft = buildDraft(failure, run.key, repo, target.path, fix, check.summary, content);
      const pr = await external(run, 'create_pr', (ctx) => deps.publisher.publish(draft, ctx));
      run.stage = 'record';
      const recorded = await recordCompletion(run, pr.url);
      const outcome: Outcome = {
        kind: 'completed',
        prUrl: pr.url,
        prNumber: pr.number,
        reused: pr.reused,
        changedAttributes: fix.changedAttributes,
        validation: check.summary,
        fix: fixOrigin(fix),
        ...(recorded ? {} : { recordPending: true }),
      };
      return {
        outcome,
        ...(fixOrigin(fix).source === 'model' ? { usage: fix.usage } : {}),
        ...(keepDiff ? { diff: unifiedDiff(target.path, content, fix.fixedContent) } : {}),
      };
    } finally {
      await workspace.dispose();
    }
  }

  /**
   * Writes a published PR's record, waiting out a store outage up to the deadline; past it, the record is held
   * (see PendingRecords) and false says so. Without a holder the error propagates as before.
   */
  async function recordCompletion(run: Run, prUrl: string): Promise<boolean> {
    try {
      await stored(run, () => deps.state.complete(run.key, { pr_url: prUrl }));
      return true;
    } catch (error) {
      const e = toTerraFixError(error);
      if (deps.pending === undefined || e.code !== 'TFX_STATE_STORE') throw error;
      deps.pending.hold(run.key, { pr_url: prUrl });
      return false;
    }
  }

  async function recordFailure(run: Run, error: TerraFixError): Promise<void> {
    if (run.stage === 'claim') return; // nothing was claimed
    try {
      await stored(run, () =>
        deps.state.fail(run.key, { code: error.code, message: error.message, retryable: error.retryable }),
      );
    } catch (storeError) {
      // The claim lease expires on its own; the outcome still reaches the caller.
      deps.logger.error({ err: storeError, key: run.key }, 'Recording a failed outcome failed');
    }
  }

  return {
    async process(failure, options = {}) {
      const start = performance.now();
      const run: Run = {
        key: failureKey(failure),
        timings: {},
        retries: {},
        stage: 'claim',
        signal: options.signal,
      };
      let partial: Omit<ProcessResult, 'key' | 'timings' | 'retries'>;
      try {
        partial = await steps(failure, run, options.keepDiff ?? false, options.takeOver === true);
      } catch (thrown) {
        const error = toTerraFixError(thrown);
        await recordFailure(run, error);
        partial = {
          outcome: {
            kind: 'failed',
            code: error.code,
            category: error.category,
            stage: run.stage,
            message: error.message,
          },
        };
        deps.logger.warn(
          { key: run.key, stage: run.stage, code: error.code, err: error },
          'Failure processing failed',
        );
      }
      run.timings.total_processing = performance.now() - start;
      const result: ProcessResult = { key: run.key, timings: run.timings, retries: run.retries, ...partial };
      observer.finished(result);
      return result;
    },
  };
}
