/**
 * The Vanta adapter's environment (real mode). Credentials: `VANTA_CLIENT_ID` + `VANTA_CLIENT_SECRET` (OAuth client
 * credentials, renewed by TerraFix) or the product guide's pre-minted `VANTA_API_TOKEN`; with both, the client
 * credentials win. Errors name the variable (and, for map-valued ones, the entry), never a value.
 */
import { z } from 'zod';
import type { VantaAuth, VantaSettings } from '../adapters/vanta/index.js';
import { type Control, isControl } from '../adapters/vanta/known-tests.js';
import { parseKeyValueList } from '../adapters/vanta/key-value-list.js';
import { isSeverity, parseSeverityMap, SEVERITIES } from '../adapters/vanta/severity.js';
import { TerraFixError } from '../pipeline/errors.js';
import { DEFAULT_RETRY_POLICY } from '../pipeline/retry.js';
import { envInt } from './env-parsers.js';
import { type Env, loadEnv } from './load.js';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** https, or http to a loopback host (the fake Vanta); no userinfo, query or fragment. */
const baseUrl = z
  .string()
  .trim()
  .refine((value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    const loopbackHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
    return (
      (url.protocol === 'https:' || loopbackHttp) &&
      url.username === '' &&
      url.password === '' &&
      url.search === '' &&
      url.hash === ''
    );
  }, 'must be an https:// URL (http:// only to 127.0.0.1, ::1 or localhost) without credentials, query or fragment');

const filter = z.string().trim().min(1).max(200);

export const vantaEnvSchema = z.object({
  VANTA_BASE_URL: baseUrl.default('https://api.vanta.com'),
  VANTA_CLIENT_ID: z.string().trim().min(1).max(512).optional(),
  VANTA_CLIENT_SECRET: z.string().trim().min(1).max(4096).optional(),
  VANTA_API_TOKEN: z.string().trim().min(1).max(8192).optional(),
  VANTA_FRAMEWORK_FILTER: filter.optional(),
  VANTA_INTEGRATION_FILTER: filter.optional(),
  VANTA_CATEGORY_FILTER: filter.optional(),
  VANTA_RATE_LIMIT_PER_MINUTE: envInt(1, 10_000).default(50),
  VANTA_TIMEOUT_MS: envInt(100, 600_000).default(30_000),
  VANTA_RETRY_ATTEMPTS: envInt(1, 10).default(4),
  VANTA_SEVERITY_MAP: z.string().optional(),
  VANTA_DEFAULT_SEVERITY: z
    .string()
    .trim()
    .toLowerCase()
    .refine(isSeverity, `must be one of ${SEVERITIES.join(', ')}`)
    .default('medium'),
  VANTA_TEST_CONTROLS: z.string().optional(),
  VANTA_CONFIRM_CACHE_SECONDS: envInt(0, 3_600).default(60),
});

function configError(problems: string[]): TerraFixError {
  return new TerraFixError('TFX_CONFIG', `invalid configuration: ${problems.join('; ')}`, {
    category: 'config',
    field: problems[0]?.split(':')[0] ?? '(env)',
  });
}

function authOf(e: z.output<typeof vantaEnvSchema>, problems: string[]): VantaAuth | undefined {
  const { VANTA_CLIENT_ID: id, VANTA_CLIENT_SECRET: secret, VANTA_API_TOKEN: token } = e;
  if (id !== undefined && secret !== undefined)
    return { kind: 'client_credentials', clientId: id, clientSecret: secret };
  if (id !== undefined) problems.push('VANTA_CLIENT_SECRET: must be set with VANTA_CLIENT_ID');
  else if (secret !== undefined) problems.push('VANTA_CLIENT_ID: must be set with VANTA_CLIENT_SECRET');
  else if (token !== undefined) return { kind: 'static', token };
  else problems.push('VANTA_CLIENT_ID: set VANTA_CLIENT_ID and VANTA_CLIENT_SECRET (or VANTA_API_TOKEN)');
  return undefined;
}

function controlsOf(text: string | undefined, problems: string[]): Map<string, Control> {
  const controls = new Map<string, Control>();
  if (text === undefined) return controls;
  const parsed = parseKeyValueList(text);
  for (const problem of parsed.problems) problems.push(`VANTA_TEST_CONTROLS: ${problem}`);
  for (const [testId, control] of parsed.entries) {
    if (testId === '') problems.push('VANTA_TEST_CONTROLS: an entry has an empty test id');
    else if (!isControl(control))
      problems.push(`VANTA_TEST_CONTROLS: entry "${testId}" names an unknown control`);
    else controls.set(testId, control);
  }
  return controls;
}

/** Reads and checks every VANTA_* variable; throws one TFX_CONFIG error listing all problems. */
export function loadVantaConfig(env: Env): VantaSettings {
  const e = loadEnv(vantaEnvSchema, env);
  const problems: string[] = [];
  const auth = authOf(e, problems);
  const fallback = isSeverity(e.VANTA_DEFAULT_SEVERITY) ? e.VANTA_DEFAULT_SEVERITY : 'medium';
  const severities = parseSeverityMap(e.VANTA_SEVERITY_MAP, fallback);
  for (const problem of severities.problems) problems.push(`VANTA_SEVERITY_MAP: ${problem}`);
  const controls = controlsOf(e.VANTA_TEST_CONTROLS, problems);
  if (auth === undefined || problems.length > 0) throw configError(problems);
  return {
    baseUrl: e.VANTA_BASE_URL,
    auth,
    filters: {
      framework: e.VANTA_FRAMEWORK_FILTER,
      integration: e.VANTA_INTEGRATION_FILTER,
      category: e.VANTA_CATEGORY_FILTER,
    },
    rateLimitPerMinute: e.VANTA_RATE_LIMIT_PER_MINUTE,
    timeoutMs: e.VANTA_TIMEOUT_MS,
    // Vanta advises exponential backoff from 1 s (protocols.md §1.6).
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: e.VANTA_RETRY_ATTEMPTS,
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
    },
    severities: severities.map,
    controls,
    confirmCacheMs: e.VANTA_CONFIRM_CACHE_SECONDS * 1000,
    framework: e.VANTA_FRAMEWORK_FILTER ?? 'Vanta',
  };
}
