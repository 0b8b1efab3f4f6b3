/** The webhook signature computed with Node's crypto (the k6 script signs with k6/crypto; the format is shared). */
import { createHmac } from 'node:crypto';
import { signatureValue } from '../signature.js';

/** `sha256=<hex HMAC-SHA256 of body>` for the X-TerraFix-Signature header. */
export function signBody(secret: string, body: string): string {
  return signatureValue(createHmac('sha256', secret).update(body).digest('hex'));
}
