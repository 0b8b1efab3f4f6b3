/**
 * git failures, translated into the pipeline's categories by what git printed (git runs with LC_ALL=C):
 * auth → TFX_CONFIG (fix GITHUB_TOKEN; retrying cannot help), missing repository or branch → permanent,
 * network, 5xx and timeouts → transient. Anything unrecognised is transient: the retry policy bounds it.
 * The message and the kept cause are scrubbed: they carry git's own words, never the token.
 */
import { TerraFixError } from '../../pipeline/errors.js';
import { redactText } from '../../pipeline/redact.js';

const AUTH = [
  /could not read (username|password)/i,
  /terminal prompts disabled/i,
  /authentication failed/i,
  /invalid username or password/i,
  /returned error: 40[13]\b/i,
  /permission to .* denied/i,
  /access denied/i,
];
const NOT_FOUND = [
  /repository '.*' not found/i,
  /repository not found/i,
  /returned error: 404\b/i,
  /remote branch .* not found/i,
  /couldn't find remote ref/i,
];
const TIMEOUT = [/block timeout/i, /timed out/i];

export interface GitErrorContext {
  /** What was being done: `clone`, `fetch`, `reset`, … */
  op: string;
  /** `owner/name`. */
  repo: string;
  /** Strings that must never appear in the result (token, its encodings). */
  secrets: readonly string[];
}

/** Removes every secret, then anything token-shaped. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('[REDACTED]');
  return redactText(out);
}

function gitText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The last meaningful lines of git's output (`fatal:` first), bounded. */
function summary(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('Cloning into'));
  const fatal = lines.filter((l) => /^(fatal|error|remote):/i.test(l));
  return (fatal.length > 0 ? fatal : lines).join(' ').slice(0, 500);
}

export function translateGitError(error: unknown, context: GitErrorContext): TerraFixError {
  if (error instanceof TerraFixError) return error;
  const text = scrub(gitText(error), context.secrets);
  const said = summary(text);
  const cause = new Error(said);
  const where = `git ${context.op} of ${context.repo}`;
  if (AUTH.some((p) => p.test(text))) {
    return new TerraFixError(
      'TFX_CONFIG',
      `${where} was refused: check that GITHUB_TOKEN is valid and may read the repository (${said})`,
      { category: 'config', cause },
    );
  }
  if (NOT_FOUND.some((p) => p.test(text))) {
    return new TerraFixError(
      'TFX_PERMANENT',
      `${where} failed: repository or branch not found, or not visible to GITHUB_TOKEN (${said})`,
      { category: 'permanent', cause },
    );
  }
  if (TIMEOUT.some((p) => p.test(text))) {
    return new TerraFixError('TFX_TIMEOUT', `${where} timed out (${said})`, { category: 'transient', cause });
  }
  return new TerraFixError('TFX_TRANSIENT', `${where} failed (${said})`, { category: 'transient', cause });
}
