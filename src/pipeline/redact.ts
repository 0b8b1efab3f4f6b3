/**
 * Text redaction for anything that leaves the process as free text: error messages, PR bodies, log strings.
 * Structured log fields are redacted by pino's `redact` paths (see logger.ts); this catches secrets inside strings.
 */
/** Each pattern with a cheap substring that must be present for it to match (most texts skip every regex). */
const PATTERNS: readonly { hint: RegExp; pattern: RegExp }[] = [
  {
    hint: /gh[pousr]_|github_pat_/,
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g,
  }, // GitHub tokens
  { hint: /AKIA|ASIA/, pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g }, // AWS access key ids
  { hint: /bearer/i, pattern: /(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi }, // bearer tokens
  { hint: /:\/\/[^\s/]*@/, pattern: /(?<=[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+(?=@)/gi }, // URL userinfo passwords
  { hint: /vc[is]_/, pattern: /\b(vci|vcs)_[A-Za-z0-9]{8,}\b/g }, // Vanta client id/secret shapes
];

export const REDACTED = '[REDACTED]';

/** Replaces every token-shaped substring with [REDACTED]. */
export function redactText(text: string): string {
  let out = text;
  for (const { hint, pattern } of PATTERNS) if (hint.test(out)) out = out.replace(pattern, REDACTED);
  return out;
}
