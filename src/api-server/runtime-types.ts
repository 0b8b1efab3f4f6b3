import type { Logger } from 'pino';
import type { ApiServerConfig } from '../config/api-server.js';
import type { TerraformAvailability } from '../hcl/terraform-gate.js';
import type { PipelineMetrics } from '../observability/pipeline-metrics.js';
import type { ProcessResult } from '../pipeline/outcome.js';
import type { StateStore } from '../pipeline/state-store.js';
import type { JobQueue } from '../queue/port.js';
import type { MockControls } from '../contracts/mock-controls.js';
import type { IntakeMetrics } from './intake-metrics.js';
import type { IntakeStats } from './intake-stats.js';
import type { QueuedFailure } from './queued-failure.js';

/** Everything the HTTP layer needs, built by runtime.ts or by tests. */
export interface ApiRuntime {
  readonly config: ApiServerConfig;
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  readonly intakeMetrics: IntakeMetrics;
  readonly stats: IntakeStats;
  readonly queue: JobQueue<QueuedFailure, ProcessResult>;
  readonly state: StateStore;
  readonly mock: MockControls | undefined;
  readonly stateBackend: 'memory' | 'redis';
  /** Whether fixes get `terraform validate` here, and why not. */
  terraform(): TerraformAvailability;
  /** Parse cache figures for `/status`. */
  parseCache(): { enabled: boolean; hits: number; misses: number; entries: number };
  /** Stops admitting, waits for accepted work (bounded by the shutdown timeout), then releases resources. */
  close(): Promise<void>;
}
