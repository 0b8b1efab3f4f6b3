// A bug behind a route: 500 with a fixed body, the error logged (redacted) through the app's logger, the
// duration counted, and the server still serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { failures, post, startTestApi, type TestApi } from '../support/api.js';
import { parsePrometheusText } from '../support/prometheus-text.js';

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const lines: Record<string, unknown>[] = [];
let api: TestApi;

beforeAll(async () => {
  const logger = createLogger('info', {
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  api = await startTestApi({}, { logger });
  // The route holds this very queue object; make its submit() fail like a bug would.
  Object.assign(api.runtime.queue, {
    submit: () => {
      throw new Error(`queue exploded while pushing with ${TOKEN}`);
    },
  });
});
afterAll(async () => {
  await api.close();
});

describe('an unhandled error in a route', () => {
  it('answers 500 without details and logs the error, redacted, through the app logger', async () => {
    const [failure] = failures(1, 31);
    const res = await post(api.app, '/webhook?mode=async', failure);
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'Internal server error', code: 'TFX_INTERNAL' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const logged = lines.find((l) => l.msg === 'Unhandled error in request');
    expect(logged).toMatchObject({ level: 50, method: 'POST', route: '/webhook' });
    expect((logged?.err as { message: string }).message).toBe('queue exploded while pushing with [REDACTED]');
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('counts the 500 in http_request_duration_seconds and keeps serving', async () => {
    const families = parsePrometheusText((await api.app.inject('/metrics')).body);
    const count = families
      .get('http_request_duration_seconds')
      ?.find(
        (s) =>
          s.name === 'http_request_duration_seconds_count' &&
          s.labels.route === '/webhook' &&
          s.labels.status_code === '500',
      );
    expect(count?.value).toBe(1);
    expect((await api.app.inject('/health')).statusCode).toBe(200);
  });
});
