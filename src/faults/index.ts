/** Fault injection: seeded plans, latency distributions, the withFaults decorator and its counters. */
export { rngFor, hash32, splitmix32 } from './rng.js';
export { MAX_LATENCY_MS, latencySpecSchema, sampleLatency, type LatencySpec } from './latency.js';
export {
  FAULT_KINDS,
  faultConfigSchema,
  parseFaultConfig,
  stageFaultsSchema,
  type FaultConfig,
  type FaultConfigInput,
  type FaultKind,
  type StageFaults,
  type StageFaultsInput,
} from './profile.js';
export { FaultInjector, type FaultPlan, type InjectedCounts, type StageCounts } from './injector.js';
export { withFaults, type WithFaultsOptions } from './with-faults.js';
export { LEGACY_LATENCY_SPLIT, fromLegacy } from './legacy.js';
export { mergeFaultConfig, type FaultConfigPatch } from './merge.js';
