/**
 * CloudWatch embedded metric format lines (docs/deployment.md, "What the service emits"): the queue-depth and
 * failed-remediations alarms read QueueDepth, RemediationsFailed and RemediationsCompleted from the log stream.
 */
export interface EmfValues {
  QueueDepth: number;
  RemediationsFailed: number;
  RemediationsCompleted: number;
}

/** One EMF log line (no trailing newline). */
export function emfLine(namespace: string, values: EmfValues, timestampMs: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [[]],
          Metrics: [
            { Name: 'QueueDepth', Unit: 'Count' },
            { Name: 'RemediationsFailed', Unit: 'Count' },
            { Name: 'RemediationsCompleted', Unit: 'Count' },
          ],
        },
      ],
    },
    ...values,
  });
}

/** Counts outcomes between two lines (RemediationsFailed/Completed are per interval, summed over replicas). */
export class EmfCounter {
  #failed = 0;
  #completed = 0;

  add(kind: 'completed' | 'failed'): void {
    if (kind === 'completed') this.#completed += 1;
    else this.#failed += 1;
  }

  /** The counts since the previous take, reset to zero. */
  take(): { failed: number; completed: number } {
    const out = { failed: this.#failed, completed: this.#completed };
    this.#failed = 0;
    this.#completed = 0;
    return out;
  }
}
