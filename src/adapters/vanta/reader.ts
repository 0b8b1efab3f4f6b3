/**
 * The poll side (the production service's poller uses it): the failing tests, then each test's failing entities as
 * failure records. A poller keeps a TestRunWatermark and re-reads only the tests whose lastTestRunDate moved.
 * Items that cannot become records are counted by reason (`skippedTotals`, and the observer for metrics), logged
 * with a static message, and never stop the poll.
 */
import type { Logger } from 'pino';
import type { Failure } from '../../pipeline/failure.js';
import type { VantaClient } from './client.js';
import type { FailingEntityCache } from './entity-cache.js';
import { failingEntities } from './entities.js';
import { type NormalizeOptions, normalize } from './normalize.js';
import { SKIP_REASONS, type SkipReason, type VantaObserver } from './observer.js';
import { type VantaEntity, type VantaTest, vantaTestSchema } from './wire.js';

/** Optional `GET /v1/tests` filters (`VANTA_FRAMEWORK_FILTER`, `VANTA_INTEGRATION_FILTER`, `VANTA_CATEGORY_FILTER`). */
export interface TestFilters {
  framework?: string | undefined;
  integration?: string | undefined;
  category?: string | undefined;
}

export type SkipCounts = Record<SkipReason, number>;

const zeroCounts = (): SkipCounts =>
  Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as SkipCounts;

/** One test's failures, read lazily page by page. `skipped` is final once iteration has ended. */
export class TestFailures implements AsyncIterable<Failure> {
  readonly skipped: SkipCounts = zeroCounts();
  /** True once every page was read (a poller remembers the test's lastTestRunDate only then). */
  complete = false;

  constructor(private readonly source: (self: TestFailures) => AsyncGenerator<Failure>) {}

  [Symbol.asyncIterator](): AsyncIterator<Failure> {
    return this.source(this);
  }
}

export interface VantaReaderOptions {
  filters: TestFilters;
  normalize: NormalizeOptions;
  cache: FailingEntityCache;
  observer: VantaObserver;
  logger: Logger;
}

export class VantaReader {
  readonly #totals: SkipCounts = zeroCounts();

  constructor(
    private readonly client: VantaClient,
    private readonly options: VantaReaderOptions,
  ) {}

  /** Every test that needs attention (all pages), filters applied. Malformed items are counted as `invalid_test`. */
  async listFailingTests(signal?: AbortSignal): Promise<VantaTest[]> {
    const { filters } = this.options;
    const query: Record<string, string> = { statusFilter: 'NEEDS_ATTENTION' };
    if (filters.framework !== undefined) query['frameworkFilter'] = filters.framework;
    if (filters.integration !== undefined) query['integrationFilter'] = filters.integration;
    if (filters.category !== undefined) query['categoryFilter'] = filters.category;
    const tests: VantaTest[] = [];
    for await (const page of this.client.pages('tests', '/v1/tests', query, { signal })) {
      for (const item of page) {
        const parsed = vantaTestSchema.safeParse(item);
        if (parsed.success) tests.push(parsed.data);
        else {
          this.#skip('invalid_test');
          this.options.logger.warn({ reason: 'invalid_test' }, 'Vanta test skipped');
        }
      }
    }
    return tests;
  }

  /** The failure records of one test's failing entities; iterate it once. */
  failuresOf(test: VantaTest, signal?: AbortSignal): TestFailures {
    return new TestFailures((self) => this.#failures(test, self, signal));
  }

  /** Skips since this reader was built, by reason. */
  skippedTotals(): Readonly<SkipCounts> {
    return { ...this.#totals };
  }

  async *#failures(
    test: VantaTest,
    self: TestFailures,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Failure> {
    const { logger } = this.options;
    const seen: VantaEntity[] = [];
    for await (const item of failingEntities(this.client, test.id, { signal })) {
      if (!item.ok) {
        this.#count(self, 'invalid_entity');
        logger.warn({ testId: test.id, index: item.index, reason: 'invalid_entity' }, 'Vanta entity skipped');
        continue;
      }
      seen.push(item.entity);
      const result = normalize(test, item.entity, this.options.normalize);
      if (result.ok) {
        yield result.failure;
        continue;
      }
      this.#count(self, result.reason);
      // Entities of kinds TerraFix does not manage are expected (accounts, users): one summary line per test.
      const level = result.reason === 'unsupported_resource_type' ? 'debug' : 'warn';
      logger[level](
        { testId: test.id, entityId: item.entity.id, reason: result.reason },
        'Vanta entity skipped',
      );
    }
    self.complete = true;
    this.options.cache.remember(test.id, seen);
    const skipped = Object.values(self.skipped).reduce((a, b) => a + b, 0);
    if (skipped > 0) logger.info({ testId: test.id, skipped: self.skipped }, 'Vanta test entities skipped');
  }

  #count(self: TestFailures, reason: SkipReason): void {
    self.skipped[reason]++;
    this.#skip(reason);
  }

  #skip(reason: SkipReason): void {
    this.#totals[reason]++;
    this.options.observer.skipped(reason);
  }
}
