/**
 * Verifies `X-TerraFix-Signature` against the raw body: HMAC-SHA256 with the webhook secret, compared in constant
 * time (a wrong first byte takes as long as a wrong last one). Only the verdict leaves: never the expected digest.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { signatureHex } from '../contracts/webhook-signature.js';

export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'mismatch';

/** What a 401 says for each verdict (nothing that helps forge a signature). */
export const SIGNATURE_ERRORS: Record<Exclude<SignatureVerdict, 'valid'>, string> = {
  missing: 'X-TerraFix-Signature header is required (sha256=<hex HMAC-SHA256 of the body>)',
  malformed: 'X-TerraFix-Signature must be sha256=<64 hex digits>',
  mismatch: 'X-TerraFix-Signature does not match the request body',
};

/** Checks `header` (as node gives it: a repeated header is an array, which is refused) against `body`. */
export function verifySignature(
  secret: string,
  body: Buffer,
  header: string | string[] | undefined,
): SignatureVerdict {
  if (header === undefined || header === '') return 'missing';
  if (typeof header !== 'string') return 'malformed';
  const hex = signatureHex(header);
  if (hex === undefined) return 'malformed';
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  // Both are 32 bytes once the format passed; the length check keeps timingSafeEqual from throwing regardless.
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}
