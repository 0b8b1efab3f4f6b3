/** Number formatting shared by the HTML report, the chart analyses and the findings sentences. */

/** Milliseconds for a reader: `850 ms`, `3.2 s`, `12 µs`; `–` when unknown. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${trim(ms / 1000, ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 1) return `${trim(ms, ms >= 100 ? 0 : 1)} ms`;
  return `${trim(ms * 1000, 0)} µs`;
}

/** A rate per second: `200 req/s`, `13.3 req/s`. */
export function fmtRate(rate: number | null | undefined, unit = 'req/s'): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  return `${trim(rate, rate >= 100 ? 0 : 1)} ${unit}`;
}

/** A ratio as a percentage: `0.0123` → `1.23 %`. */
export function fmtPct(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${trim(ratio * 100, digits)} %`;
}

/** A signed relative change: `+12.5 %`, `−3 %`. */
export function fmtRelative(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  const text = `${trim(Math.abs(ratio) * 100, 1)} %`;
  return ratio > 0 ? `+${text}` : ratio < 0 ? `−${text}` : text;
}

/** A count with thousands separators. */
export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes as MiB. */
export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  return `${trim(bytes / 1024 / 1024, 1)} MiB`;
}

/** `v` rounded to `digits` decimals without trailing zeros. */
export function trim(v: number, digits: number): string {
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}
