import { describe, expect, it } from 'vitest';
import { fitsIn, planParts } from '../../src/webhooks/fanout/plan-parts.js';

// A body is envelope + items joined by commas; each case states where the greedy packing must cut.
describe('planParts', () => {
  it.each([
    { name: 'no items, no parts', sizes: [], envelope: 10, limit: 100, parts: [] },
    { name: 'everything fits in one', sizes: [10, 10, 10], envelope: 10, limit: 100, parts: [[0, 3]] },
    { name: 'exactly at the limit (commas counted)', sizes: [30, 30, 28], envelope: 10, limit: 100, parts: [[0, 3]] },
    { name: 'one byte over closes the part', sizes: [30, 30, 29], envelope: 10, limit: 100, parts: [[0, 2], [2, 3]] },
    { name: 'equal items pack evenly', sizes: [20, 20, 20, 20, 20, 20], envelope: 18, limit: 60, parts: [[0, 2], [2, 4], [4, 6]] },
    { name: 'an oversized item gets a part of its own', sizes: [10, 500, 10], envelope: 10, limit: 100, parts: [[0, 1], [1, 2], [2, 3]] },
    { name: 'an oversized first item', sizes: [500, 10, 10], envelope: 10, limit: 100, parts: [[0, 1], [1, 3]] },
    { name: 'a single oversized item', sizes: [500], envelope: 10, limit: 100, parts: [[0, 1]] },
    { name: 'mixed sizes, greedy in order', sizes: [40, 40, 10, 60, 5, 5], envelope: 0, limit: 100, parts: [[0, 3], [3, 6]] },
  ])('$name', ({ sizes, envelope, limit, parts }) => {
    const got = planParts(sizes, envelope, limit);
    expect(got.map((p) => [p.start, p.end])).toEqual(parts);
    // Every part of more than one item is within the limit, and the parts cover the list in order.
    for (const p of got) {
      const bytes = envelope + sizes.slice(p.start, p.end).reduce((a, b) => a + b, 0) + (p.end - p.start - 1);
      if (p.end - p.start > 1) expect(bytes).toBeLessThanOrEqual(limit);
    }
    expect(got.flatMap((p) => Array.from({ length: p.end - p.start }, (_, i) => p.start + i))).toEqual(sizes.map((_, i) => i));
  });
});

describe('fitsIn', () => {
  it.each([
    { text: 'abc', limit: 3, fits: true },
    { text: 'abcd', limit: 3, fits: false },
    { text: 'é', limit: 2, fits: true },
    { text: 'é', limit: 1, fits: false },
    { text: '€€', limit: 5, fits: false },
    { text: '€€', limit: 6, fits: true },
  ])('$text in $limit bytes: $fits', ({ text, limit, fits }) => {
    expect(fitsIn(text, limit)).toBe(fits);
  });
});
