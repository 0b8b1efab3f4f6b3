/**
 * The JSON form hcl2json returns for one file, and the few readings of it the HCL layer needs.
 * Shape: `{ resource: { <type>: { <label>: [body, ...] } }, module: { <name>: [body] }, locals: [body], ... }`.
 * Expressions that are not literals come back as template strings (`"${var.x}"`).
 */
export type HclValue = string | number | boolean | null | readonly HclValue[] | HclObject;
export interface HclObject {
  readonly [key: string]: HclValue;
}
export type HclDocument = HclObject;

export function isHclObject(value: unknown): value is HclObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHclArray(value: unknown): value is readonly HclValue[] {
  return Array.isArray(value);
}

const ESCAPED_TEMPLATE = /\$\$\{|%%\{/g;

/**
 * The value of a string that is a plain literal in the source, else undefined: `"${var.x}"`, `"a-${x}"`
 * and directives are not literals; the escapes `$${` and `%%{` stand for literal `${` and `%{`.
 */
export function literalString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const unescaped = value.replace(ESCAPED_TEMPLATE, '');
  if (unescaped.includes('${') || unescaped.includes('%{')) return undefined;
  return value.replace(ESCAPED_TEMPLATE, (m) => m.slice(1));
}

/** The bodies declared as `resource "<type>" "<label>"` in one document (normally one; duplicates are invalid). */
export function resourceBodies(doc: HclDocument, type: string, label: string): readonly HclObject[] {
  const resources = doc['resource'];
  if (!isHclObject(resources)) return [];
  const byLabel = resources[type];
  if (!isHclObject(byLabel)) return [];
  const bodies = byLabel[label];
  return Array.isArray(bodies) ? bodies.filter(isHclObject) : [];
}

/** The first body of a block entry (a list of bodies), if it is an object. */
export function firstBody(value: HclValue | undefined): HclObject | undefined {
  const first: unknown = isHclArray(value) ? value[0] : undefined;
  return isHclObject(first) ? first : undefined;
}

/** How many labels each top-level block kind has; other kinds are compared as a whole. */
const LABEL_DEPTH: Record<string, number> = {
  resource: 2,
  data: 2,
  module: 1,
  variable: 1,
  output: 1,
  provider: 1,
  locals: 0,
  terraform: 0,
};

/**
 * Every top-level block of a document keyed by its address (`resource.aws_s3_bucket.logs`, `locals`, ...),
 * with its parsed JSON (the list of bodies under that address), so two versions of a file can be compared.
 */
export function blockEntries(doc: HclDocument): Map<string, HclValue> {
  const entries = new Map<string, HclValue>();
  const walk = (prefix: string, value: HclValue, depth: number): void => {
    if (depth === 0 || !isHclObject(value)) {
      entries.set(prefix, value);
      return;
    }
    for (const [key, inner] of Object.entries(value)) walk(`${prefix}.${key}`, inner, depth - 1);
  };
  for (const [kind, value] of Object.entries(doc)) walk(kind, value, LABEL_DEPTH[kind] ?? 0);
  return entries;
}

/** The parsed JSON of one block address (as blockEntries keys it) in a document, without walking the rest. */
export function entryOf(doc: HclDocument, kind: string, labels: readonly string[]): HclValue | undefined {
  let value: HclValue | undefined = doc[kind];
  for (const label of labels.slice(0, LABEL_DEPTH[kind] ?? 0)) {
    value = isHclObject(value) ? value[label] : undefined;
  }
  return value;
}

/** Structural equality of two parsed values (object key order ignored). */
export function sameValue(a: HclValue | undefined, b: HclValue | undefined): boolean {
  if (a === b) return true;
  if (isHclArray(a) || isHclArray(b)) {
    if (!isHclArray(a) || !isHclArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameValue(item, b[i]));
  }
  if (!isHclObject(a) || !isHclObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
}

/** Freezes a parsed document so a cached copy shared by many callers cannot be altered by one of them. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
