/**
 * A strict reader of the Prometheus text exposition format (0.0.4): enough to prove a scrape would parse.
 * Throws with the line number on the first violation; returns the samples by metric family.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseValue(raw: string, line: number): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  const v = Number(raw);
  if (raw.trim() === '' || Number.isNaN(v)) throw new Error(`line ${line}: bad value ${raw}`);
  return v;
}

function parseLabels(raw: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < raw.length) {
    const m = LABEL.exec(raw);
    if (m === null) throw new Error(`line ${line}: bad labels {${raw}}`);
    const [, key = '', value = ''] = m;
    if (key in labels) throw new Error(`line ${line}: duplicate label ${key}`);
    labels[key] = value;
  }
  return labels;
}

/** Parses and checks `text`; returns samples keyed by family name. */
export function parsePrometheusText(text: string): Map<string, Sample[]> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const types = new Map<string, string>();
  const families = new Map<string, Sample[]>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current = '';
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (m === null) return; // plain comment
      const [, kind, name = ''] = m;
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name ${name}`);
      if (kind === 'TYPE') {
        const type = m[3] ?? '';
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type))
          throw new Error(`line ${n}: bad type ${type}`);
        if (types.has(name)) throw new Error(`line ${n}: second TYPE for ${name}`);
        if (families.has(name)) throw new Error(`line ${n}: TYPE after samples of ${name}`);
        types.set(name, type);
      }
      if (name !== current) {
        if (closed.has(name)) throw new Error(`line ${n}: ${name} is not one uninterrupted group`);
        if (current !== '') closed.add(current);
        current = name;
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (m === null) throw new Error(`line ${n}: not a sample: ${line}`);
    const [, name = '', , rawLabels = '', rawValue = ''] = m;
    const labels = parseLabels(rawLabels, n);
    const family = [...types.keys()].find(
      (f) =>
        name === f || (/_(bucket|sum|count)$/.test(name) && name.replace(/_(bucket|sum|count)$/, '') === f),
    );
    const key = family ?? name;
    if (key !== current) {
      if (closed.has(key)) throw new Error(`line ${n}: ${key} is not one uninterrupted group`);
      if (current !== '') closed.add(current);
      current = key;
    }
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(id)) throw new Error(`line ${n}: duplicate sample ${id}`);
    seen.add(id);
    const list = families.get(key) ?? [];
    list.push({ name, labels, value: parseValue(rawValue, n) });
    families.set(key, list);
  });
  for (const [name, type] of types) if (type === 'histogram') checkHistogram(name, families.get(name) ?? []);
  return families;
}

/** Buckets cumulative and increasing in `le`, a +Inf bucket equal to _count, per label set. */
function checkHistogram(name: string, samples: Sample[]): void {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const { le: _le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, group] of groups) {
    const buckets = group.filter((s) => s.name === `${name}_bucket`);
    const count = group.find((s) => s.name === `${name}_count`);
    if (group.find((s) => s.name === `${name}_sum`) === undefined || count === undefined) {
      throw new Error(`${name}${key}: missing _sum or _count`);
    }
    let lastLe = -Infinity;
    let lastValue = 0;
    for (const b of buckets) {
      const le = parseValue(b.labels.le ?? '', 0);
      if (!(le > lastLe)) throw new Error(`${name}${key}: le not increasing`);
      if (b.value < lastValue) throw new Error(`${name}${key}: buckets not cumulative`);
      lastLe = le;
      lastValue = b.value;
    }
    if (lastLe !== Infinity || lastValue !== count.value)
      throw new Error(`${name}${key}: +Inf bucket missing or not equal to _count`);
  }
}
