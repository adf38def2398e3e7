import { createHmac } from 'node:crypto';

// The HMAC primitives shared by the server (which signs) and receivers (which verify), so both sides
// compute signatures with one piece of code. node:crypto only: the SDK must not pull in server dependencies.

const STANDARD_SECRET_PREFIX = 'whsec_';

/** The HMAC key of a secret: for `whsec_` secrets the base64-decoded bytes after the prefix (Standard Webhooks), otherwise the raw UTF-8 bytes. */
export function standardKey(secret: string): Buffer {
  if (secret.startsWith(STANDARD_SECRET_PREFIX)) {
    return Buffer.from(secret.slice(STANDARD_SECRET_PREFIX.length), 'base64');
  }
  return Buffer.from(secret, 'utf8');
}

/** One Standard Webhooks signature, `v1,<base64 HMAC-SHA256(key, msgId.timestamp.body)>`; `timestamp` in unix seconds. */
export function standardSignature(secret: string, msgId: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', standardKey(secret));
  // Sign the exact bytes on the wire: re-encoding a Buffer body as a string could alter invalid UTF-8.
  mac.update(`${msgId}.${timestamp}.`, 'utf8');
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/** Datasaur's `x-datasaur-signature`: lowercase hex HMAC-SHA256 over the raw body, keyed with the secret's UTF-8 bytes. */
export function datasaurSignature(secret: string, body: string | Uint8Array): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}
