import { describe, expect, it } from 'vitest';
import { signDatasaur } from '../../src/webhooks/transport/sign-datasaur.js';

describe('signDatasaur', () => {
  it('reproduces Datasaur’s published test vector', () => {
    expect(signDatasaur('secret', '{"body":"sample"}')).toBe('0278b1a603de4c561ac0feb960354d0d00e8846b74813d81bddb43ad45bff767');
  });

  it('is lowercase hex with no prefix, and changes with the body or the secret', () => {
    const sig = signDatasaur('secret', '{"body":"sample"}');
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(signDatasaur('secret', '{"body":"sample2"}')).not.toBe(sig);
    expect(signDatasaur('secret2', '{"body":"sample"}')).not.toBe(sig);
  });
});
