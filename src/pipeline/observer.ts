import type { ProcessResult } from './outcome.js';
import type { ModelUsage } from './ports.js';
import type { Stage } from './stages.js';

/** What the pipeline reports as it runs; metrics and logs subscribe. Keeps prom-client out of the core. */
export interface PipelineObserver {
  stageFinished(stage: Stage, ms: number, ok: boolean): void;
  retried(stage: Stage, attempt: number, code: string): void;
  finished(result: ProcessResult): void;
  /** One model call's tokens and cost (reported by the fix generator, failed answers included). */
  modelUsage?(usage: ModelUsage): void;
}

export const nullObserver: PipelineObserver = {
  stageFinished: () => undefined,
  retried: () => undefined,
  finished: () => undefined,
};
