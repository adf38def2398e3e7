import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ConfigError, InternalError } from '../../errors.js';

/** Encrypts webhook secrets and custom header values at rest (AES-256-GCM, docs/security.md). */
export interface SecretBox {
  /** Encrypts with a fresh IV: `v1:<base64 iv>:<base64 tag>:<base64 ciphertext>`. */
  seal(plaintext: string): string;
  /** Decrypts what `seal` produced; throws LabelhookError `secret_decrypt_failed` on tampering or a different key. */
  open(sealed: string): string;
}

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM standard size; random per seal, so (key, IV) never repeats in practice
const TAG_BYTES = 16;
// Fixed salt and info bind the derived key to this purpose: the same LABELHOOK_SECRET_KEY used elsewhere
// (or for a future v2 format) yields an unrelated key.
const HKDF_SALT = 'labelhook/secret-box';
const HKDF_INFO = 'aes-256-gcm v1';

function decryptFailed(why: string): InternalError {
  return new InternalError(
    `A stored secret could not be decrypted (${why}): it was altered, or LABELHOOK_SECRET_KEY is not the key it was sealed with.`,
    null,
    'secret_decrypt_failed',
  );
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodePart(part: string | undefined, name: string): Buffer {
  if (part === undefined || !BASE64.test(part)) throw decryptFailed(`malformed ${name}`);
  return Buffer.from(part, 'base64');
}

/** Builds a SecretBox whose AES-256 key is derived from the key material with HKDF-SHA256. */
export function createSecretBox(keyMaterial: string): SecretBox {
  if (keyMaterial === '') throw new ConfigError('The secret encryption key must not be empty.');
  // HKDF, not a password hash: the material is meant to be high-entropy (a generated key file, or
  // `openssl rand -base64 32`), and deriving must stay cheap because every app instance does it.
  const key = Buffer.from(hkdfSync('sha256', keyMaterial, HKDF_SALT, HKDF_INFO, 32));

  return {
    seal(plaintext: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
    },

    open(sealed: string): string {
      const parts = sealed.split(':');
      if (parts.length !== 4) throw decryptFailed('not a sealed value');
      if (parts[0] !== VERSION) throw decryptFailed(`unknown format "${parts[0]}"`);
      const iv = decodePart(parts[1], 'IV');
      const tag = decodePart(parts[2], 'tag');
      const ciphertext = decodePart(parts[3], 'ciphertext');
      if (iv.length !== IV_BYTES) throw decryptFailed('malformed IV');
      // A short tag would let a forger guess it; GCM accepts short tags unless their length is pinned.
      if (tag.length !== TAG_BYTES) throw decryptFailed('malformed tag');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw decryptFailed('authentication failed');
      }
    },
  };
}
