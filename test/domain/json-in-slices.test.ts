import { describe, expect, it } from 'vitest';
import { jsonInSlices } from '../../src/domain/slices.js';

// The outbox stores a large event's data as jsonInSlices wrote it: receivers must get exactly JSON.stringify's text.
describe('jsonInSlices', () => {
  const label = (i: number) => ({ id: `lbl-${i}`, type: 'SPAN', startCharIndex: i, confidenceScore: i % 3 ? null : 0.5, note: undefined, at: new Date(0) });

  it('writes exactly what JSON.stringify writes, long arrays at any depth included', async () => {
    const labels = Array.from({ length: 1_234 }, (_, i) => label(i));
    const event = {
      annotation: { id: 'ann-1', labels, skipped: undefined, fn: () => 1 },
      labelUpdateList: { toDeleteList: [], toUpsertList: labels },
      annotations: [{ labels }, { labels: labels.slice(0, 3) }, undefined],
      before: { labels: Array.from({ length: 501 }, (_, i) => [i, undefined, 'x']) },
      empty: {},
      flag: false,
    };
    expect(await jsonInSlices(event)).toBe(JSON.stringify(event));
    expect(await jsonInSlices(labels)).toBe(JSON.stringify(labels));
  });

  it('writes small and scalar values as JSON.stringify does', async () => {
    for (const value of [null, 0, 'text', [], {}, { a: [1, 2], b: { c: 'd' } }, [undefined]]) expect(await jsonInSlices(value)).toBe(JSON.stringify(value));
  });
});
