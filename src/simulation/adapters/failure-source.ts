import type { FailureSource } from '../../pipeline/ports.js';

/** Simulated Vanta: every pushed failure is still failing. Latency and faults come from the fault decorator. */
export class SimulatedFailureSource implements FailureSource {
  confirm(): Promise<{ stillFailing: boolean }> {
    return Promise.resolve({ stillFailing: true });
  }
}
