import type { ConfigureBody } from './configure-body.js';

/** Mock-mode controls behind `POST /configure`. */
export interface MockControls {
  /** Applies a validated partial configuration; returns the effective configuration. Throws TFX_INVALID_INPUT. */
  configure(patch: ConfigureBody): Promise<Record<string, unknown>>;
  effective(): Promise<Record<string, unknown>>;
  /** Injected faults by stage and kind, plus injected delay. */
  injected(): Record<string, unknown>;
  /** What the simulated GitHub recorded (PRs created and reused). */
  publisherLog(): {
    created: number;
    reused: number;
    calls: readonly { key: string; url: string; reused: boolean }[];
  };
  /** Zeroes injected-fault and publisher counters; with clearState also forgets simulated open PRs. */
  reset(options: { clearState: boolean }): void;
}
