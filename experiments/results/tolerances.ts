/** How much worse a run may get against a baseline before it is a regression (reports/compare.ts judges). */
export interface Tolerances {
  /** Relative p95 increase allowed (0.10 = +10 %). */
  p95: number;
  /** Relative achieved-rate decrease allowed (0.10 = −10 %). */
  achievedRate: number;
  /** Absolute error-rate increase allowed (0.01 = +1 percentage point). */
  errorRate: number;
}

export const DEFAULT_TOLERANCES: Tolerances = { p95: 0.1, achievedRate: 0.1, errorRate: 0.01 };
