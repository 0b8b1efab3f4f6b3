/** Rendering JSON values as HCL literals, and reading simple HCL literals back, for minimal textual edits. */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A quoted HCL string: JSON escapes plus `${` → `$${` and `%{` → `%%{` so nothing is interpolated. */
export function hclString(value: string): string {
  // Replacement callbacks, because `$$` in a replacement string means a single `$`.
  return JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

/** The HCL literal for a JSON value: strings quoted and escaped, lists `[...]`, maps `{ k = v }`. */
export function toHclLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toHclLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const items = entries.map(([k, v]) => `${IDENTIFIER.test(k) ? k : hclString(k)} = ${toHclLiteral(v)}`);
    return `{ ${items.join(', ')} }`;
  }
  return typeof value === 'bigint' ? value.toString() : 'null'; // functions and symbols have no JSON form
}

/**
 * The value of a source expression that is a plain literal: a number, `true`/`false`, or a quoted string
 * without interpolation. Anything else (references, calls, templates) is undefined.
 */
export function readLiteral(source: string): string | number | boolean | undefined {
  const text = source.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^"(?:[^"\\$%]|\\.|\$(?!\{)|%(?!\{)|\$\$\{|%%\{)*"$/.test(text)) {
    try {
      return JSON.parse(text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')) as string;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Whether the source expression of an attribute already is the literal `literal` (ignoring blanks). */
export function sameLiteral(source: string, literal: string): boolean {
  return compact(source) === compact(literal);
}

/** Drops blanks outside quoted strings and trailing commas, so `[ "a", ]` equals `["a"]`. */
function compact(source: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < source.length; i += 1) {
    const c = source.charAt(i);
    if (inString) {
      out += c;
      if (c === '\\') out += source.charAt(++i);
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out.replace(/,(?=[\]}])/g, '');
}
