import { z } from 'zod';

/** Boolean env var: true/false, 1/0, yes/no, on/off (any case). Blank means unset. */
export const envBoolean = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes' || v === 'on');

/** Integer env var within [min, max]. */
export function envInt(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** Number env var within [min, max]. */
export function envNumber(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i, 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

/** LOG_LEVEL: pino levels plus the guide's Python names (WARNING, CRITICAL), any case. */
export const envLogLevel = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => (v === 'warning' ? 'warn' : v === 'critical' ? 'fatal' : v))
  .pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']));

export type LogLevel = z.infer<typeof envLogLevel>;

/** Redis URL: redis:// or rediss://. */
export const envRedisUrl = z
  .string()
  .trim()
  .refine((v) => /^rediss?:\/\/[^\s]+$/.test(v), 'must be a redis:// or rediss:// URL');
