/**
 * The webhook signature both sides agree on: HMAC-SHA256 of the raw request body with TERRAFIX_WEBHOOK_SECRET,
 * sent as `X-TerraFix-Signature: sha256=<64 hex digits>`. The API server verifies it (src/api-server/signature.ts);
 * the load harness signs with it (experiments/signature.ts, bundled into the k6 script: so no Node APIs here).
 */
export const SIGNATURE_HEADER = 'X-TerraFix-Signature';
export const SIGNATURE_PREFIX = 'sha256=';

/** The header value for a hex HMAC-SHA256 digest. */
export function signatureValue(hexDigest: string): string {
  return `${SIGNATURE_PREFIX}${hexDigest}`;
}

/** The 64 hex digits of a well-formed header value (either case), or undefined. */
export function signatureHex(value: string): string | undefined {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(value.trim());
  return match?.[1];
}
