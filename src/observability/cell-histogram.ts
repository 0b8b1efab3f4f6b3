/**
 * A Prometheus histogram for the per-request hot path. prom-client's observe() validates and hashes the label
 * set on every call (about 1.5 µs, measured at intake rates); here each label set is a cell looked up once and
 * kept, so observing is a bucket search and three additions. Registered in a prom-client registry, it is
 * exposed exactly like a prom-client histogram (`_bucket` with `le`, `_sum`, `_count`).
 */

/** One exposed sample, in the shape a prom-client registry formats. */
export interface ExposedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export interface ExposedHistogram {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: ExposedValue[];
}

export class HistogramCell {
  readonly #bounds: readonly number[];
  /** Per-bucket counts, not cumulative; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    bounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += value;
    this.count += 1;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

export interface CellHistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Upper bounds, ascending. */
  buckets: readonly number[];
}

export class CellHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #labelNames: readonly L[];
  readonly #bounds: readonly number[];
  readonly #cells = new Map<string, HistogramCell>();

  constructor(options: CellHistogramOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = options.labelNames;
    this.#bounds = [...options.buckets];
    for (let i = 1; i < this.#bounds.length; i++) {
      if ((this.#bounds[i] as number) <= (this.#bounds[i - 1] as number))
        throw new Error(`${options.name}: buckets must be strictly ascending`);
    }
  }

  /** The cell of one label set, by label values in `labelNames` order (created on first use). */
  cell(...values: string[]): HistogramCell {
    const key = values.join('\u0000');
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      if (values.length !== this.#labelNames.length)
        throw new Error(
          `${this.name}: expected ${this.#labelNames.length} label values, got ${values.length}`,
        );
      const labels: Record<string, string> = {};
      this.#labelNames.forEach((n, i) => (labels[n] = values[i] as string));
      cell = new HistogramCell(this.#bounds, labels);
      this.#cells.set(key, cell);
    }
    return cell;
  }

  /** Zeroes every cell; cells stay valid, so callers' references keep working. */
  reset(): void {
    for (const cell of this.#cells.values()) cell.reset();
  }

  /** What a prom-client registry formats: cumulative `_bucket` series, then `_sum` and `_count`, per cell. */
  get(): Promise<ExposedHistogram> {
    const values: ExposedValue[] = [];
    for (const cell of this.#cells.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.#bounds.length; i++) {
        cumulative += cell.counts[i] ?? 0;
        const le = i < this.#bounds.length ? (this.#bounds[i] as number) : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...cell.labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: { ...cell.labels }, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...cell.labels }, value: cell.count });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }
}
