import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';

const TOKEN = `ghp_${'Zz9'.repeat(12)}`;

/** A logger writing JSON lines into an array. */
function capture(level: Parameters<typeof createLogger>[0] = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // pino writes synchronously to a plain stream's write(), so lines are there right after the call.
  return { logger: createLogger(level, stream), lines };
}

describe('createLogger', () => {
  it('writes structured JSON with the service name, level and ISO time', () => {
    const { logger, lines } = capture();
    logger.info({ key: 'abc' }, 'Failure queued');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, service: 'terrafix', key: 'abc', msg: 'Failure queued' }),
    ]);
    expect(lines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('censors token, password, secret and redisUrl fields at the top level and one level down', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        token: TOKEN,
        password: 'p4ss',
        redisUrl: 'redis://:pw@cache:6379',
        github: { token: TOKEN, owner: 'acme' },
        aws: { secretAccessKey: 'abc', region: 'us-east-1' },
        req: { headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } },
      },
      'Config loaded',
    );
    const line = lines[0];
    expect(line).toMatchObject({
      token: '[REDACTED]',
      password: '[REDACTED]',
      redisUrl: '[REDACTED]',
      github: { token: '[REDACTED]', owner: 'acme' },
      aws: { secretAccessKey: '[REDACTED]', region: 'us-east-1' },
      req: { headers: { authorization: '[REDACTED]', accept: 'application/json' } },
    });
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('redacts tokens inside error messages and stacks', () => {
    const { logger, lines } = capture();
    const error = new Error(`push to https://x-access-token:${TOKEN}@github.com/o/r.git failed`);
    logger.error({ err: error }, 'Push failed');
    logger.error(new Error(`bad credentials ${TOKEN}`));
    expect(lines).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
    expect(lines[0]?.err).toMatchObject({
      type: 'Error',
      message: 'push to https://x-access-token:[REDACTED]@github.com/o/r.git failed',
    });
    expect((lines[0]?.err as { stack: string }).stack).toContain('[REDACTED]');
    expect(lines[1]?.err).toMatchObject({ message: 'bad credentials [REDACTED]' });
    // pino copies a lone error's message into msg; that copy is redacted too.
    expect(lines[1]?.msg).toBe('bad credentials [REDACTED]');
  });

  it('redacts tokens in message strings (fastify logs error.message as the message)', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error('x') }, `request failed: Bearer ${TOKEN}`);
    logger.warn('clone of %s failed', `https://bot:${TOKEN}@github.com/o/r`);
    logger.child({ reqId: 'r1' }).error(`child ${TOKEN}`);
    expect(lines.map((l) => l.msg)).toEqual([
      'request failed: Bearer [REDACTED]',
      'clone of https://bot:[REDACTED]@github.com/o/r failed',
      'child [REDACTED]',
    ]);
  });

  it('respects the level and writes nothing when silent', () => {
    const warn = capture('warn');
    warn.logger.info('Not shown');
    warn.logger.warn('Shown');
    expect(warn.lines.map((l) => l.msg)).toEqual(['Shown']);
    const silent = capture('silent');
    silent.logger.fatal('Never');
    expect(silent.lines).toEqual([]);
  });
});
