/**
 * Best-effort evaluation of the names resources are given through interpolation (`"${local.prefix}-data"`,
 * `var.name`), so the locator can match what is deployed. Per module folder it knows variable defaults, the
 * literal arguments of the module calls that instantiate the folder, and locals. What it cannot evaluate (data
 * sources, functions, `count.index`, conditionals) becomes a wildcard. A value may have several results when
 * a module is called more than once.
 */
import { type HclDocument, type HclObject, isHclObject } from './document.js';

/** A name with unknown parts: literal strings and WILDCARD markers, in order. */
export type NamePattern = readonly (string | typeof WILDCARD)[];
export const WILDCARD = Symbol('wildcard');

/** Most results one value may have (module called many times): beyond it, the value is a wildcard. */
const MAX_RESULTS = 16;
const MAX_DEPTH = 8;
const REFERENCE = /^(var|local)\.([A-Za-z_][\w-]*)$/;

export interface ModuleScope {
  /** Variable → its possible values (call-site arguments, else the default), each with the folder it is written in. */
  readonly variables: ReadonlyMap<string, readonly ScopedValue[]>;
  readonly locals: ReadonlyMap<string, unknown>;
}

/** A source value and the scope its references resolve in (a module argument resolves in the caller). */
export interface ScopedValue {
  value: unknown;
  scope: () => ModuleScope;
}

/** Splits an hcl2json template string into literal text and `${...}` expressions; undefined for directives. */
function splitTemplate(value: string): (string | { expr: string })[] | undefined {
  const parts: (string | { expr: string })[] = [];
  let literal = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$${', i) || value.startsWith('%%{', i)) {
      literal += value.slice(i + 1, i + 3);
      i += 3;
    } else if (value.startsWith('%{', i)) {
      return undefined;
    } else if (value.startsWith('${', i)) {
      let depth = 1;
      let j = i + 2;
      let quoted = false;
      for (; j < value.length && depth > 0; j += 1) {
        const c = value[j];
        if (quoted) {
          if (c === '\\') j += 1;
          else if (c === '"') quoted = false;
        } else if (c === '"') quoted = true;
        else if (c === '{') depth += 1;
        else if (c === '}') depth -= 1;
      }
      if (depth > 0) return undefined;
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push({ expr: value.slice(i + 2, j - 1).trim() });
      i = j;
    } else {
      literal += value[i];
      i += 1;
    }
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

/** Joins adjacent literals and collapses adjacent wildcards. */
function normalize(pattern: (string | typeof WILDCARD)[]): NamePattern {
  const out: (string | typeof WILDCARD)[] = [];
  for (const part of pattern) {
    const last = out.at(-1);
    if (part === WILDCARD) {
      if (last !== WILDCARD) out.push(part);
    } else if (part !== '') {
      if (typeof last === 'string') out[out.length - 1] = last + part;
      else out.push(part);
    }
  }
  return out;
}

/** Every pattern `value` may stand for in `scope` (a literal → one pattern without wildcards). */
export function evaluateName(value: unknown, scope: ModuleScope, depth = 0): NamePattern[] {
  if (typeof value === 'number' || typeof value === 'boolean') return [[String(value)]];
  if (typeof value !== 'string' || depth > MAX_DEPTH) return [[WILDCARD]];
  const parts = splitTemplate(value);
  if (parts === undefined) return [[WILDCARD]];
  let results: (string | typeof WILDCARD)[][] = [[]];
  for (const part of parts) {
    const options = typeof part === 'string' ? [[part]] : evaluateReference(part.expr, scope, depth);
    const next: (string | typeof WILDCARD)[][] = [];
    for (const prefix of results) for (const option of options) next.push([...prefix, ...option]);
    if (next.length > MAX_RESULTS) return [[WILDCARD]];
    results = next;
  }
  return results.map(normalize);
}

function evaluateReference(expr: string, scope: ModuleScope, depth: number): NamePattern[] {
  const m = REFERENCE.exec(expr);
  if (m === null) return [[WILDCARD]];
  const name = m[2] ?? '';
  const values: readonly ScopedValue[] | undefined =
    m[1] === 'var'
      ? scope.variables.get(name)
      : scope.locals.has(name)
        ? [{ value: scope.locals.get(name), scope: () => scope }]
        : undefined;
  if (values === undefined || values.length === 0) return [[WILDCARD]];
  return values.flatMap((v) => evaluateName(v.value, v.scope(), depth + 1));
}

/** The literal string of a pattern without wildcards, else undefined. */
export function exactName(pattern: NamePattern): string | undefined {
  return pattern.every((p) => typeof p === 'string') ? pattern.join('') : undefined;
}

/** A full-match RegExp for a pattern with wildcards, or undefined when it has no literal part to anchor on. */
export function patternRegExp(pattern: NamePattern): RegExp | undefined {
  if (!pattern.some((p) => typeof p === 'string')) return undefined;
  const source = pattern
    .map((p) => (p === WILDCARD ? '.+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

const moduleDirOf = (path: string): string => {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '.' : path.slice(0, slash);
};

function entries(value: unknown): [string, HclObject][] {
  if (!isHclObject(value)) return [];
  return Object.entries(value).flatMap(([name, bodies]) =>
    Array.isArray(bodies) && isHclObject(bodies[0]) ? [[name, bodies[0]] as [string, HclObject]] : [],
  );
}

/** Module folder (POSIX, `.` for the root) → what names in it can be evaluated against. */
export function moduleScopes(docs: ReadonlyMap<string, HclDocument>): Map<string, ModuleScope> {
  const defaults = new Map<string, Map<string, unknown>>();
  const locals = new Map<string, Map<string, unknown>>();
  // module folder → the module blocks that call it, with the caller's folder
  const calls = new Map<string, { body: HclObject; dir: string }[]>();
  const at = <V>(map: Map<string, Map<string, V>>, dir: string): Map<string, V> => {
    let inner = map.get(dir);
    if (inner === undefined) map.set(dir, (inner = new Map<string, V>()));
    return inner;
  };
  for (const [path, doc] of docs) {
    const dir = moduleDirOf(path);
    for (const [name, body] of entries(doc['variable'])) {
      if (Object.hasOwn(body, 'default')) at(defaults, dir).set(name, body['default']);
    }
    const blocks = Array.isArray(doc['locals']) ? doc['locals'] : [];
    for (const block of blocks) {
      if (isHclObject(block)) for (const [k, v] of Object.entries(block)) at(locals, dir).set(k, v);
    }
    for (const [, body] of entries(doc['module'])) {
      const source = body['source'];
      if (typeof source !== 'string' || !/^\.\.?\//.test(source)) continue;
      const target = joinPosix(dir, source);
      calls.set(target, [...(calls.get(target) ?? []), { body, dir }]);
    }
  }
  const dirs = new Set([
    ...defaults.keys(),
    ...locals.keys(),
    ...calls.keys(),
    ...[...docs.keys()].map(moduleDirOf),
  ]);
  const scopes = new Map<string, ModuleScope>();
  const EMPTY: ModuleScope = { variables: new Map(), locals: new Map() };
  const scopeOf = (dir: string) => (): ModuleScope => scopes.get(dir) ?? EMPTY;
  for (const dir of dirs) {
    const variables = new Map<string, ScopedValue[]>();
    const own = defaults.get(dir) ?? new Map<string, unknown>();
    for (const [name, value] of own) variables.set(name, [{ value, scope: scopeOf(dir) }]);
    const callers = calls.get(dir) ?? [];
    if (callers.length > 0) {
      // Each call passes its argument (resolved in the caller) or leaves the default; a variable some call
      // leaves without a value stays unknown.
      const names = new Set([...own.keys(), ...callers.flatMap((c) => Object.keys(c.body))]);
      for (const name of names) {
        const values = callers.map((c): ScopedValue | undefined =>
          Object.hasOwn(c.body, name)
            ? { value: c.body[name], scope: scopeOf(c.dir) }
            : own.has(name)
              ? { value: own.get(name), scope: scopeOf(dir) }
              : undefined,
        );
        if (values.every((v) => v !== undefined)) variables.set(name, values);
        else variables.delete(name);
      }
    }
    scopes.set(dir, { variables, locals: locals.get(dir) ?? new Map() });
  }
  return scopes;
}

function joinPosix(dir: string, relative: string): string {
  const parts = dir === '.' ? [] : dir.split('/');
  for (const segment of relative.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}
