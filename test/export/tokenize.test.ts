import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/export/tokenize.js';

describe('CoNLL tokenisation (docs/export.md "Token boundaries")', () => {
  it('splits at whitespace and makes each punctuation or symbol character its own token', () => {
    expect(tokenize("Don't stop!").map((t) => t.text)).toEqual(['Don', "'", 't', 'stop', '!']);
    expect(tokenize('a+b = 3,5%').map((t) => t.text)).toEqual(['a', '+', 'b', '=', '3', ',', '5', '%']);
  });

  it('keeps letters with combining marks, digits and underscores of any script together, with exact offsets', () => {
    const text = 'Zoë  naïve_2 東京に';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text)).toEqual(['Zoë', 'naïve_2', '東京に']);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
  });

  it('numbers the text lines the tokens are on, blank lines included', () => {
    expect(tokenize('one two\nthree\n\nfour').map((t) => [t.text, t.line])).toEqual([
      ['one', 0],
      ['two', 0],
      ['three', 1],
      ['four', 3],
    ]);
    expect(tokenize('')).toEqual([]);
  });
});
