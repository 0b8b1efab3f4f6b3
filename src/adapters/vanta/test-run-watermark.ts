/**
 * Which failing tests a poller must read again. Vanta's guide: re-fetch entities only for tests whose
 * lastTestRunDate changed. A test is remembered only after all its entities were read, so a poll that failed
 * half-way reads it again next time. Memory stays bounded by the set of failing tests (`retain`).
 */
import type { VantaTest } from './wire.js';

export class TestRunWatermark {
  readonly #seen = new Map<string, string>();

  /** The tests that ran since they were last read completely (a test without a run date always counts). */
  changed(tests: readonly VantaTest[]): VantaTest[] {
    return tests.filter((test) => {
      const runDate = test.lastTestRunDate ?? undefined;
      return runDate === undefined || this.#seen.get(test.id) !== runDate;
    });
  }

  /** All entities of `test` were read at its current lastTestRunDate. */
  remember(test: VantaTest): void {
    if (test.lastTestRunDate !== null && test.lastTestRunDate !== undefined)
      this.#seen.set(test.id, test.lastTestRunDate);
  }

  /** Forgets every test: the next poll reads them all (a new leader cannot know what the queue still holds). */
  forget(): void {
    this.#seen.clear();
  }

  /** Forgets tests that no longer need attention (a test failing again later is read again). */
  retain(tests: readonly VantaTest[]): void {
    const ids = new Set(tests.map((test) => test.id));
    for (const id of [...this.#seen.keys()]) if (!ids.has(id)) this.#seen.delete(id);
  }
}
