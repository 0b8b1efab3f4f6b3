// With recognisable credentials, no log line and no error (message, cause, properties) carries the secret or a token.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createVanta } from '../../../src/adapters/vanta/index.js';
import {
  bucketTest,
  capturedLogger,
  CLIENT_SECRET,
  collect,
  dataOf,
  fake,
  settings,
  VirtualTime,
} from './support.js';

const STATIC_TOKEN = 'vat_STATIC_token_do_not_leak_9876543210abcdef';
const noRetry = { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 60_000 };

describe('secrets never leak', () => {
  it('through logs or errors, on success and on every failure path', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-s3-public-access-blocked', 3)), now: time.now });
    const { logger, lines } = capturedLogger();
    const errors: unknown[] = [];
    const build = (patch: Parameters<typeof settings>[1] = {}) =>
      createVanta(settings(vanta.url, { retry: noRetry, ...patch }), {
        logger,
        clock: time.clock,
        sleep: time.sleep,
        random: () => 1,
      });
    const attempt = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    };
    const ctx = { key: 'k'.repeat(64), attempt: 1 };

    // Success, with a debug-level logger: mint, list, failures, confirm.
    const good = build();
    const tests = await good.reader.listFailingTests();
    const failures = await collect(good.reader.failuresOf(tests[0] ?? never()));
    await good.source.confirm(failures[0] ?? never(), ctx);
    // A revoked token, re-minted.
    vanta.revokeAll();
    await good.reader.listFailingTests();
    // Two 401s in a row.
    vanta.script({ method: 'GET', path: '/v1/tests' }, [
      { status: 401 },
      { status: 401 },
      { status: 401 },
      { status: 401 },
    ]);
    await attempt(() => good.reader.listFailingTests());
    // 5xx until the retries run out; 429 with Retry-After.
    vanta.script({ method: 'GET', path: '/v1/tests' }, [{ status: 500 }, { status: 500 }]);
    await attempt(() => good.reader.listFailingTests());
    vanta.script({ method: 'GET', path: '/v1/tests' }, [
      { status: 429, retryAfter: 1 },
      { status: 429, retryAfter: 1 },
    ]);
    await attempt(() => good.reader.listFailingTests());
    // The token endpoint failing: 500, then a wrong secret.
    vanta.revokeAll();
    vanta.script({ path: '/oauth/token' }, [{ status: 500 }, { status: 500 }]);
    await attempt(() => good.reader.listFailingTests());
    await attempt(() =>
      build({
        auth: {
          kind: 'client_credentials',
          clientId: 'vci_terrafixtestclient01',
          clientSecret: `${CLIENT_SECRET}x`,
        },
      }).reader.listFailingTests(),
    );
    // A static token refused.
    await attempt(() => build({ auth: { kind: 'static', token: STATIC_TOKEN } }).reader.listFailingTests());
    // A timeout and an unreachable Vanta.
    const release = vanta.hold({ method: 'GET', path: '/v1/tests' });
    await attempt(() =>
      build({ timeoutMs: 100, retry: { ...noRetry, maxAttempts: 1 } }).reader.listFailingTests(),
    );
    release();
    await vanta.close();
    await attempt(() => build().reader.listFailingTests());

    expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
      'TFX_TRANSIENT',
      'TFX_TRANSIENT',
      'TFX_THROTTLED',
      'TFX_TRANSIENT',
      'TFX_CONFIG',
      'TFX_CONFIG',
      'TFX_TIMEOUT',
      'TFX_TRANSIENT',
    ]);
    const secrets = [CLIENT_SECRET, STATIC_TOKEN, ...vanta.issuedTokens()];
    expect(vanta.issuedTokens().length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeGreaterThan(5);
    const texts = [
      ...lines,
      ...errors.map((e) => inspect(e, { depth: 10, showHidden: true })),
      ...errors.map((e) => JSON.stringify(e)),
    ];
    for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
    // The secret did travel (the fake accepted it and issued tokens), so the grep above had something to miss.
    expect(vanta.calls.filter((c) => c.path === '/oauth/token' && c.status === 200).length).toBeGreaterThan(
      1,
    );
  });
});

function never(): never {
  throw new Error('expected a value');
}
