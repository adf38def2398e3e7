import { describe, expect, it } from 'vitest';
import { LabelhookError } from '../../src/errors.js';
import { createSecretBox } from '../../src/webhooks/transport/secret-box.js';

const KEY = 'k7Q2x9mV4pL1sD8fG3hJ6wE0rT5yU2iO';

function openError(open: () => string): LabelhookError {
  try {
    open();
  } catch (err) {
    expect(err).toBeInstanceOf(LabelhookError);
    return err as LabelhookError;
  }
  throw new Error('open() succeeded on a value it must refuse');
}

describe('secret box (AES-256-GCM at rest)', () => {
  it('round-trips secrets and header values, including unicode and the empty string', () => {
    const box = createSecretBox(KEY);
    for (const plaintext of ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'Bearer abc.def', 'päßwörd ✓', '']) {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
    }
  });

  it('seals in the v1:<iv>:<tag>:<ciphertext> format with a 12-byte IV and 16-byte tag', () => {
    const [version, iv, tag, ciphertext] = createSecretBox(KEY).seal('whsec_abc').split(':');
    expect(version).toBe('v1');
    expect(Buffer.from(iv!, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64')).toHaveLength(16);
    expect(Buffer.from(ciphertext!, 'base64')).toHaveLength('whsec_abc'.length);
  });

  it('never stores the plaintext and uses a fresh IV every time', () => {
    const box = createSecretBox(KEY);
    const a = box.seal('whsec_same');
    const b = box.seal('whsec_same');
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
    expect(a).not.toContain('whsec_same');
    expect(Buffer.from(a.split(':')[3]!, 'base64').toString()).not.toContain('whsec');
  });

  it('a box built from the same key material opens what another sealed (the key survives restarts)', () => {
    expect(createSecretBox(KEY).open(createSecretBox(KEY).seal('persisted'))).toBe('persisted');
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const box = createSecretBox(KEY);
    const [v, iv, tag, ct] = box.seal('whsec_original').split(':') as [string, string, string, string];
    const flip = (b64: string): string => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64');
    };
    for (const tampered of [
      [v, iv, tag, flip(ct)],
      [v, iv, flip(tag), ct],
      [v, flip(iv), tag, ct],
    ]) {
      const err = openError(() => box.open(tampered.join(':')));
      expect(err.code).toBe('secret_decrypt_failed');
      expect(err.message).toMatch(/altered|LABELHOOK_SECRET_KEY/);
    }
  });

  it('refuses to open with a different key', () => {
    const sealed = createSecretBox(KEY).seal('whsec_x');
    const err = openError(() => createSecretBox(`${KEY}-other`).open(sealed));
    expect(err.code).toBe('secret_decrypt_failed');
  });

  it.each([
    ['plaintext that was never sealed', 'whsec_plain'],
    ['an unknown version', 'v9:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA==:AA=='],
    ['a truncated tag', 'v1:AAAAAAAAAAAAAAAA:AAAA:AA=='],
    ['a non-base64 part', 'v1:!!!:AAAAAAAAAAAAAAAAAAAAAA==:AA=='],
  ])('refuses %s with secret_decrypt_failed', (_what, sealed) => {
    expect(openError(() => createSecretBox(KEY).open(sealed)).code).toBe('secret_decrypt_failed');
  });

  it('refuses empty key material', () => {
    expect(() => createSecretBox('')).toThrow(/must not be empty/);
  });
});
