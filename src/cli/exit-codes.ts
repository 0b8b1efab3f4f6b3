/** Documented exit codes of the `terrafix` CLI. */
export const EXIT = {
  ok: 0,
  /** Processing failed, or a threshold failed (experiments). */
  failed: 1,
  /** Usage or configuration error. */
  usage: 2,
  /** Target unreachable (experiments), or Redis unreachable (stats, cleanup). */
  unreachable: 3,
  /** Regression against a baseline (reports). */
  regression: 4,
} as const;
