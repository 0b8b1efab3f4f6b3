/**
 * Webhook signing for load against a real-mode API server: HMAC-SHA256 over the raw request body with the
 * webhook secret (TERRAFIX_WEBHOOK_SECRET), sent as `X-TerraFix-Signature: sha256=<hex>`. The format is the API
 * server's own contract (src/contracts/webhook-signature.ts). Pure: the k6 script (k6/crypto) and the built-in
 * engine (node:crypto) compute the HMAC with their own primitives.
 */
export { SIGNATURE_HEADER, signatureValue } from '../src/contracts/webhook-signature.js';
