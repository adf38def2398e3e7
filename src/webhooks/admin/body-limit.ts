import { ValidationError } from '../../errors.js';

/**
 * A webhook's request-body limit: the default is Express's default JSON limit (100 kB), so the commonest receiver
 * works unchanged; below the minimum not even one record with its envelope (a Label Studio project) fits; the
 * maximum keeps one delivery row, and one request, of a sane size.
 */
export const BODY_LIMITS = { default: 102_400, min: 4096, max: 10 * 1024 * 1024 } as const;

/** Checks a webhook's `maxBodyBytes` against BODY_LIMITS; a 422 `invalid_max_body_bytes` with the bounds otherwise. */
export function validateMaxBodyBytes(value: number): number {
  if (!Number.isInteger(value) || value < BODY_LIMITS.min || value > BODY_LIMITS.max) {
    throw new ValidationError(
      `maxBodyBytes must be a whole number of bytes from ${BODY_LIMITS.min} to ${BODY_LIMITS.max}.`,
      { maxBodyBytes: value, min: BODY_LIMITS.min, max: BODY_LIMITS.max },
      'invalid_max_body_bytes',
    );
  }
  return value;
}
