/**
 * Text redaction for anything that leaves the process as free text: error messages, HTTP answers, PR bodies, log
 * strings. Structured log fields are redacted by pino's `redact` paths (see logger.ts); this catches secrets inside
 * strings. It errs towards redacting: a lost token-shaped word in a PR body costs less than a leaked key.
 */
export const REDACTED = '[REDACTED]';

interface Rule {
  /** A cheap test that must pass for the rule to run (most texts skip most regexes). */
  hint: RegExp;
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

/**
 * 40 characters of the base64 alphabet in mixed case with a digit: the shape of an AWS secret access key. Paths
 * (several slashes, or a slash at an end) and hex digests (one case) keep their text.
 */
function awsSecretShaped(candidate: string): string {
  const mixed = /[a-z]/.test(candidate) && /[A-Z]/.test(candidate) && /[0-9]/.test(candidate);
  const pathLike = (candidate.match(/\//g)?.length ?? 0) >= 3 || /^\/|\/$/.test(candidate);
  return mixed && !pathLike ? REDACTED : candidate;
}

const RULES: readonly Rule[] = [
  // PEM blocks of every kind (private keys, certificates, ...), also when cut short or JSON-escaped.
  {
    hint: /-----BEGIN /,
    pattern: /-----BEGIN ([A-Z0-9 ]{1,60})-----(?:[\s\S]*?-----END \1-----|(?:[A-Za-z0-9+/=:,\s-]|\\[nr])*)/g,
    replace: REDACTED,
  },
  // GitHub tokens: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained.
  {
    hint: /gh[pousr]_|github_pat_/,
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g,
    replace: REDACTED,
  },
  // Slack tokens and incoming-webhook URLs.
  { hint: /xox[abposr]-/, pattern: /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, replace: REDACTED },
  {
    hint: /hooks\.slack\.com/,
    pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g,
    replace: `hooks.slack.com/services/${REDACTED}`,
  },
  // GitLab, npm, PyPI, Stripe, Google API keys, OpenAI/Anthropic keys, Vault, Terraform Cloud, SendGrid.
  { hint: /glpat-/, pattern: /\bglpat-[A-Za-z0-9_-]{16,}/g, replace: REDACTED },
  { hint: /npm_/, pattern: /\bnpm_[A-Za-z0-9]{30,}\b/g, replace: REDACTED },
  { hint: /pypi-/, pattern: /\bpypi-[A-Za-z0-9_-]{30,}/g, replace: REDACTED },
  { hint: /[sr]k_(?:live|test)_/, pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}\b/g, replace: REDACTED },
  { hint: /AIza/, pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: REDACTED },
  { hint: /sk-/, pattern: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g, replace: REDACTED },
  { hint: /hv[sbr]\./, pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/g, replace: REDACTED },
  { hint: /atlasv1\./, pattern: /\b[A-Za-z0-9]{10,}\.atlasv1\.[A-Za-z0-9_-]{20,}/g, replace: REDACTED },
  { hint: /SG\./, pattern: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, replace: REDACTED },
  // JSON Web Tokens (header.payload.signature, both parts base64url JSON).
  {
    hint: /eyJ/,
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    replace: REDACTED,
  },
  // AWS access key ids, and secret access keys (named, or standing alone in their shape).
  { hint: /AKIA|ASIA/, pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: REDACTED },
  {
    hint: /secret_?access_?key/i,
    pattern: /(secret_?access_?key["']?\s*[=:]\s*["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
    replace: `$1${REDACTED}`,
  },
  {
    hint: /[A-Za-z0-9/+]{40}/,
    pattern: /(?<![A-Za-z0-9/+=_-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/g,
    replace: awsSecretShaped,
  },
  // Authorization schemes: any Bearer/Basic credential, however short.
  { hint: /bearer|basic/i, pattern: /(?<=\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+/gi, replace: REDACTED },
  // key=value and key: value pairs whose key names a secret (password=, secret:, "api_key": "...", ...). A colon
  // must be followed by a space or (JSON-escaped) quote, so ARNs such as `...:secret:name` stay readable.
  {
    hint: /pass|pwd|secret|token|api[_-]?key|private[_-]?key|credential/i,
    pattern:
      /\b([\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|credentials?)[\w-]*\\?["']?\s*(?:=|:(?=[\s"'\\]))\s*\\?["']?)(?!\[REDACTED\])[^\s"'&,;}\\]+/gi,
    replace: `$1${REDACTED}`,
  },
  // Passwords in URL userinfo.
  {
    hint: /:\/\/[^\s/]*@/,
    pattern: /(?<=[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+(?=@)/gi,
    replace: REDACTED,
  },
  // Vanta client id/secret shapes.
  { hint: /vc[is]_/, pattern: /\b(?:vci|vcs)_[A-Za-z0-9]{8,}\b/g, replace: REDACTED },
];

/** Replaces every secret-shaped substring with [REDACTED]. */
export function redactText(text: string): string {
  let out = text;
  for (const { hint, pattern, replace } of RULES) {
    if (!hint.test(out)) continue;
    out = typeof replace === 'string' ? out.replace(pattern, replace) : out.replace(pattern, replace);
  }
  return out;
}
