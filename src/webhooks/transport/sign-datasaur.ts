import { datasaurSignature } from '../../../sdk/signature.js';

/** Datasaur's `x-datasaur-signature`: lowercase hex HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes. */
export function signDatasaur(secret: string, body: string): string {
  return datasaurSignature(secret, body);
}
