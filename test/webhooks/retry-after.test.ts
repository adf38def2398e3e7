import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/webhooks/delivery/retry-after.js';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0); // Sun, 15 Jun 2025 12:00:00 GMT
const HOUR = 3_600_000;

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 30 ', 30_000],
    ['Sun, 15 Jun 2025 12:00:30 GMT', 30_000], // IMF-fixdate
    ['Sunday, 15-Jun-25 12:01:00 GMT', 60_000], // obsolete RFC 850
    ['Sun Jun 15 12:00:05 2025', 5_000], // obsolete asctime, read as GMT
    ['Sun Jun  1 12:00:00 2025', 0], // asctime with a space-padded day, in the past
  ])('reads %j as %i ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW, HOUR)).toBe(expected);
  });

  it.each([undefined, '', '   ', 'soon', '-5', '1.5', '10s', '2025-06-15T12:00:30Z', 'Sun, 31 Feb 2025 12:00:00 GMT', 'Sun, 15 Jun 2025 25:00:00 GMT'])(
    'answers null for the absent or invalid value %j',
    (header) => {
      expect(parseRetryAfter(header, NOW, HOUR)).toBeNull();
    },
  );

  it('treats a date in the past as "retry now", never a negative delay', () => {
    expect(parseRetryAfter('Sat, 14 Jun 2025 12:00:00 GMT', NOW, HOUR)).toBe(0);
  });

  it('caps what a receiver can ask for at capMs', () => {
    expect(parseRetryAfter('86400', NOW, HOUR)).toBe(HOUR);
    expect(parseRetryAfter('99999999999999999999999', NOW, HOUR)).toBe(HOUR);
    expect(parseRetryAfter('Mon, 16 Jun 2025 12:00:00 GMT', NOW, HOUR)).toBe(HOUR);
  });
});
