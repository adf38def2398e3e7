import { describe, expect, it } from 'vitest';
import { jsonParseInSlices } from '../../src/domain/slices.js';

// A large event's fan-out parses its stored JSON in slices (jsonParseInSlices): the result must be JSON.parse's,
// key order, escapes, nesting and all, and invalid text must fail as JSON.parse fails.
describe('jsonParseInSlices', () => {
  const pauses = { n: 0 };
  const pause = async () => {
    pauses.n++;
  };

  const event = {
    id: 'evt_1',
    type: 'ANNOTATIONS_CREATED',
    team: { id: 'team_1', name: 'Team "quoted" \\ slash' },
    project: null,
    data: {
      annotations: Array.from({ length: 3_000 }, (_, i) => ({ id: `l${i}`, documentId: 'd1', counter: i, start: -i / 3, ok: i % 2 === 0, note: null })),
      documents: [
        {
          id: 'd1',
          '10': 'integer-like key',
          text: 'line\nbreak, "quotes", \\backslashes\\, unicode é 漢字 \u2028 and a brace } ] inside',
          labels: Array.from({ length: 3_000 }, (_, i) => ({ id: `l${i}`, tags: [i, [i, { deep: `x${i}\\"` }]], empty: {}, none: [] })),
        },
      ],
      nested: [[[Array.from({ length: 2_000 }, (_, i) => `s${i}`)]]],
      count: 1e21,
    },
  };

  it('answers what JSON.parse answers for a large event, pausing between slices', async () => {
    // A "__proto__" key is an own key to JSON.parse (an object literal would set the prototype instead).
    const text = JSON.stringify(event).replace('"id":"d1"', '"id":"d1","__proto__":{"polluted":true}');
    pauses.n = 0;
    const parsed = await jsonParseInSlices(text, pause, 4_096);
    expect(parsed).toStrictEqual(JSON.parse(text));
    expect(Object.keys((parsed as typeof event).data.documents[0]!)).toEqual(Object.keys(JSON.parse(text).data.documents[0]));
    const doc = (parsed as typeof event).data.documents[0]!;
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(doc, '__proto__')?.value).toEqual({ polluted: true });
    expect(pauses.n).toBeGreaterThan(10);
  });

  it('answers JSON.parse for whitespace-formatted text and small text, and fails where JSON.parse fails', async () => {
    const pretty = JSON.stringify(event, null, 2);
    expect(await jsonParseInSlices(pretty, pause, 4_096)).toStrictEqual(JSON.parse(pretty));
    expect(await jsonParseInSlices('[1,2]', pause, 4_096)).toEqual([1, 2]);
    const broken = JSON.stringify(event).slice(0, -3);
    await expect(jsonParseInSlices(broken, pause, 4_096)).rejects.toThrow(SyntaxError);
    await expect(jsonParseInSlices(`${JSON.stringify(event)} x`, pause, 4_096)).rejects.toThrow(SyntaxError);
  });
});
