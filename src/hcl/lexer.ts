/**
 * Character-level HCL skipping: strings (escapes, `${}`/`%{}` templates with nested strings and braces),
 * heredocs and comments. hcl2json gives no source positions, so the block scanner walks the text itself;
 * these helpers are the only place that knows where a token ends. Offsets are string indices (UTF-16 code
 * units), which is what `slice` needs. Malformed input never throws: it ends at the end of the text or line.
 */

const NL = 10;
const QUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const PERCENT = 37;
const STAR = 42;
const SLASH = 47;
const LT = 60;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const LPAREN = 40;
const RPAREN = 41;

/** If a comment starts at `i`, the index just past it (a line comment stops before its newline); else -1. */
export function skipComment(src: string, i: number): number {
  const c = src.charCodeAt(i);
  const next = src.charCodeAt(i + 1);
  if (c === HASH || (c === SLASH && next === SLASH)) {
    const nl = src.indexOf('\n', i);
    return nl === -1 ? src.length : nl;
  }
  if (c === SLASH && next === STAR) {
    const close = src.indexOf('*/', i + 2);
    return close === -1 ? src.length : close + 2;
  }
  return -1;
}

/** `src[i]` is `"`: the index just past the closing quote. An unescaped newline ends a broken string. */
export function skipString(src: string, i: number): number {
  let j = i + 1;
  while (j < src.length) {
    const c = src.charCodeAt(j);
    if (c === BACKSLASH) {
      j += 2;
    } else if (c === QUOTE) {
      return j + 1;
    } else if (c === NL) {
      return j;
    } else if (
      (c === DOLLAR || c === PERCENT) &&
      src.charCodeAt(j + 1) === c &&
      src.charCodeAt(j + 2) === LBRACE
    ) {
      j += 3; // `$${` and `%%{` are escapes for a literal `${` / `%{`
    } else if ((c === DOLLAR || c === PERCENT) && src.charCodeAt(j + 1) === LBRACE) {
      j = skipTemplate(src, j + 2);
    } else {
      j += 1;
    }
  }
  return src.length;
}

/** Inside `${` at `i`: the index just past the matching `}`, skipping nested strings, braces and comments. */
function skipTemplate(src: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < src.length) {
    const c = src.charCodeAt(j);
    if (c === QUOTE) {
      j = skipString(src, j);
      continue;
    }
    const afterComment = c === HASH || c === SLASH ? skipComment(src, j) : -1;
    if (afterComment !== -1) {
      j = afterComment;
      continue;
    }
    if (c === LBRACE) depth += 1;
    if (c === RBRACE) {
      if (depth === 0) return j + 1;
      depth -= 1;
    }
    j += 1;
  }
  return src.length;
}

const HEREDOC_START = /<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/y;

/**
 * If a heredoc starts at `i` (`<<EOF` or `<<-EOF` then a newline), the index just past its closing marker
 * line's last character (before that line's newline); else -1. The marker may be indented in both forms.
 */
export function skipHeredoc(src: string, i: number): number {
  if (src.charCodeAt(i) !== LT || src.charCodeAt(i + 1) !== LT) return -1;
  HEREDOC_START.lastIndex = i;
  const m = HEREDOC_START.exec(src);
  if (m === null) return -1;
  const marker = m[2] ?? '';
  let lineStart = HEREDOC_START.lastIndex;
  while (lineStart < src.length) {
    const nl = src.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? src.length : nl;
    const line = src.slice(lineStart, lineEnd);
    if (line.trim() === marker) return line.endsWith('\r') ? lineEnd - 1 : lineEnd;
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  return src.length;
}

/**
 * Skips one token-ish unit that may hide braces or newlines (string, heredoc, comment) starting at `i`.
 * Returns the index after it, or -1 when `src[i]` starts none of them.
 */
export function skipOpaque(src: string, i: number): number {
  const c = src.charCodeAt(i);
  if (c === QUOTE) return skipString(src, i);
  if (c === HASH || c === SLASH) return skipComment(src, i);
  if (c === LT) return skipHeredoc(src, i);
  return -1;
}

/** `src[i]` is `{`: the index of the matching `}` (or `src.length` when unbalanced). */
export function findClosingBrace(src: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < src.length) {
    const skipped = skipOpaque(src, j);
    if (skipped !== -1) {
      j = skipped;
      continue;
    }
    const c = src.charCodeAt(j);
    if (c === LBRACE) depth += 1;
    else if (c === RBRACE) {
      depth -= 1;
      if (depth === 0) return j;
    }
    j += 1;
  }
  return src.length;
}

/**
 * From `i` (start of an attribute's expression), the index where the expression ends: the first newline or
 * line comment outside any bracket, or `limit` (the enclosing body's closing brace). Trailing blanks excluded.
 */
export function findExpressionEnd(src: string, i: number, limit: number): number {
  let depth = 0;
  let j = i;
  let lastSignificant = i;
  while (j < limit) {
    const c = src.charCodeAt(j);
    if (depth === 0 && c === NL) break;
    if (depth === 0 && (c === HASH || (c === SLASH && src.charCodeAt(j + 1) === SLASH))) break;
    const skipped = skipOpaque(src, j);
    if (skipped !== -1) {
      if (c !== HASH && c !== SLASH) lastSignificant = skipped;
      j = skipped;
      continue;
    }
    if (c === LBRACE || c === LBRACKET || c === LPAREN) depth += 1;
    else if (c === RBRACE || c === RBRACKET || c === RPAREN) depth -= 1;
    if (depth < 0) break; // the body's own closing brace on the attribute's line
    if (c !== 32 && c !== 9 && c !== 13) lastSignificant = j + 1;
    j += 1;
  }
  return lastSignificant;
}
