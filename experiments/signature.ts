/**
 * Webhook signing for load against a real-mode API server: HMAC-SHA256 over the raw request body with the
 * webhook secret (TERRAFIX_WEBHOOK_SECRET), sent as `X-TerraFix-Signature: sha256=<hex>`. Pure: the k6 script
 * (k6/crypto) and the built-in engine (node:crypto) compute the HMAC with their own primitives.
 */
export const SIGNATURE_HEADER = 'X-TerraFix-Signature';

/** The header value for a hex HMAC-SHA256 digest. */
export function signatureValue(hexDigest: string): string {
  return `sha256=${hexDigest}`;
}
