import type { ProcessResult } from './outcome.js';
import type { Stage } from './stages.js';

/** What the pipeline reports as it runs; metrics and logs subscribe. Keeps prom-client out of the core. */
export interface PipelineObserver {
  stageFinished(stage: Stage, ms: number, ok: boolean): void;
  retried(stage: Stage, attempt: number, code: string): void;
  finished(result: ProcessResult): void;
}

export const nullObserver: PipelineObserver = {
  stageFinished: () => undefined,
  retried: () => undefined,
  finished: () => undefined,
};
