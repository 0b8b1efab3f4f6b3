import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/env-parsers.js';
import { redactText } from '../pipeline/redact.js';

export type { Logger };

/** Field paths whose values never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.secretAccessKey',
  '*.redisUrl',
  'token',
  'password',
  'redisUrl',
];

/** Structured JSON logger with redaction; error messages pass through the text redactor too. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      base: { service: 'terrafix' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        // `msg` bypasses the serializers: fastify logs `error.message` as the message, and `log.error(err)`
        // copies err.message into msg, so message strings pass the text redactor too.
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const message = rest.map((a) => (typeof a === 'string' ? redactText(a) : a));
          if (first instanceof Error && message.length === 0) message.push(redactText(first.message));
          const head = typeof first === 'string' ? redactText(first) : first;
          method.apply(this, [head, ...message] as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: unknown) => {
          const s = pino.stdSerializers.err(err as Error);
          return {
            ...s,
            message: redactText(s.message),
            stack: s.stack === undefined ? undefined : redactText(s.stack),
          };
        },
      },
    },
    destination,
  );
}
