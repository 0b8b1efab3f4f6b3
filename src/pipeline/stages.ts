/** Pipeline stages, named after the product guide's timings. `total_processing` spans the whole run. */
export const STAGES = [
  'fetch_vanta',
  'clone_repo',
  'parse_terraform',
  'bedrock_inference',
  'validate_fix',
  'create_pr',
] as const;

export type Stage = (typeof STAGES)[number];

/** Stages that talk to an external service; only these are simulated (and fault-injected) in mock mode. */
export const EXTERNAL_STAGES = ['fetch_vanta', 'clone_repo', 'bedrock_inference', 'create_pr'] as const;
export type ExternalStage = (typeof EXTERNAL_STAGES)[number];

export const TOTAL_STAGE = 'total_processing';
export type TimedStage = Stage | typeof TOTAL_STAGE;

/** Per-stage durations in milliseconds; a stage that did not run is absent. */
export type StageTimings = Partial<Record<TimedStage, number>>;

export function isExternalStage(value: string): value is ExternalStage {
  return (EXTERNAL_STAGES as readonly string[]).includes(value);
}
