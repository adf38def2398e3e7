import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { FORMAT_NAMES, getFormat } from '../../../src/webhooks/formats/registry.js';

describe('format registry', () => {
  it('knows the four formats, standard first', () => {
    expect(FORMAT_NAMES).toEqual(['standard', 'datasaur', 'label-studio', 'labelator']);
    for (const name of FORMAT_NAMES) expect(getFormat(name).name).toBe(name);
  });

  it('an unknown format is a validation error with a stable code', () => {
    for (const name of ['zapier', 'toString', '__proto__']) {
      const error = (() => {
        try {
          getFormat(name);
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('unknown_format');
    }
  });
});
