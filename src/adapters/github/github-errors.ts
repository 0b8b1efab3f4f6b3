/**
 * Octokit errors, translated at the edge: 401 and 403-permission → TFX_CONFIG (fix GITHUB_TOKEN; retrying cannot
 * help), rate limits that outlasted the throttling plugin → TFX_THROTTLED with the server's wait, 5xx, timeouts,
 * network errors and 409 conflicts → transient, other 4xx → permanent. Messages keep GitHub's words (scrubbed),
 * never the token; the RequestError stays as the cause (Octokit redacts its authorization header).
 */
import { TerraFixError } from '../../pipeline/errors.js';
import { redactText } from '../../pipeline/redact.js';

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

function isHttpError(error: unknown): error is HttpErrorLike {
  return error instanceof Error && typeof (error as Partial<HttpErrorLike>).status === 'number';
}

function header(error: HttpErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** A GitHub rate-limit answer: secondary (message), or primary (`x-ratelimit-remaining: 0`). */
export function rateLimitWaitMs(error: unknown, now = Date.now()): number | undefined {
  if (!isHttpError(error) || (error.status !== 403 && error.status !== 429)) return undefined;
  const retryAfter = Number(header(error, 'retry-after'));
  if (/\bsecondary rate\b/i.test(error.message))
    return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 60_000;
  if (header(error, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(error, 'x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(reset * 1000 - now, 0) + 1000 : 60_000;
  }
  if (error.status === 429) return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 60_000;
  return undefined;
}

export function translateGitHubError(
  error: unknown,
  what: string,
  secrets: readonly string[],
): TerraFixError {
  if (error instanceof TerraFixError) return error;
  const scrub = (text: string): string => {
    let out = text;
    for (const s of secrets) if (s !== '') out = out.split(s).join('[REDACTED]');
    return redactText(out).slice(0, 500);
  };
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new TerraFixError('TFX_TIMEOUT', `GitHub: ${what} was aborted`, {
      category: 'transient',
      cause: error,
    });
  }
  if (!isHttpError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new TerraFixError('TFX_INTERNAL', `GitHub: ${what} failed: ${scrub(message)}`, {
      category: 'permanent',
      cause: error,
    });
  }
  const said = scrub(error.message);
  const { status } = error;
  if (status === 401) {
    return new TerraFixError(
      'TFX_CONFIG',
      `GitHub rejected GITHUB_TOKEN (401) while trying to ${what}: ${said}`,
      {
        category: 'config',
        cause: error,
      },
    );
  }
  const waitMs = rateLimitWaitMs(error);
  if (waitMs !== undefined) {
    return new TerraFixError(
      'TFX_THROTTLED',
      `GitHub rate limit while trying to ${what} (${status}): ${said}`,
      {
        category: 'throttled',
        retryAfterMs: waitMs,
        cause: error,
      },
    );
  }
  if (status === 403) {
    return new TerraFixError('TFX_CONFIG', `GITHUB_TOKEN may not ${what} (403): ${said}`, {
      category: 'config',
      cause: error,
    });
  }
  if (status === 0 || status === 408 || status === 409 || status >= 500) {
    return new TerraFixError('TFX_TRANSIENT', `GitHub: ${what} failed (${status}): ${said}`, {
      category: 'transient',
      cause: error,
    });
  }
  if (status === 404) {
    return new TerraFixError(
      'TFX_PERMANENT',
      `GitHub: ${what} failed: not found, or not visible to GITHUB_TOKEN (404)`,
      {
        category: 'permanent',
        cause: error,
      },
    );
  }
  return new TerraFixError('TFX_PERMANENT', `GitHub: ${what} failed (${status}): ${said}`, {
    category: 'permanent',
    cause: error,
  });
}
