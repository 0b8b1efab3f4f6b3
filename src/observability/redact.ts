/**
 * Text redaction for anything that leaves the process as free text: error messages, PR bodies, log strings.
 * Structured log fields are redacted by pino's `redact` paths (see logger.ts); this catches secrets inside strings.
 */
const PATTERNS: readonly RegExp[] = [
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, // GitHub tokens
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, // bearer tokens
  /(?<=[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+(?=@)/gi, // URL userinfo passwords
  /\b(vci|vcs)_[A-Za-z0-9]{8,}\b/g, // Vanta client id/secret shapes
];

export const REDACTED = '[REDACTED]';

/** Replaces every token-shaped substring with [REDACTED]. */
export function redactText(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}
