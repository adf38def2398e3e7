import { describe, expect, it } from 'vitest';
import { normalizeLabelSet, normalizeTags } from '../../src/domain/label-set.js';
import { ValidationError } from '../../src/errors.js';

describe('label sets', () => {
  it('trims ids and labels and fills a missing color with null', () => {
    expect(normalizeLabelSet([{ id: ' pos ', label: ' Positive ' }, { id: 'neg', label: 'Negative', color: '#f00' }])).toEqual([
      { id: 'pos', label: 'Positive', color: null },
      { id: 'neg', label: 'Negative', color: '#f00' },
    ]);
  });

  it.each([
    ['a blank id', [{ id: ' ', label: 'A' }], [{ index: 0, field: 'id', message: 'must not be blank' }]],
    ['a blank label', [{ id: 'a', label: '' }], [{ index: 0, field: 'label', message: 'must not be blank' }]],
    ['a duplicate id (after trimming)', [{ id: 'a', label: 'A' }, { id: ' a', label: 'B' }], [{ index: 1, field: 'id', message: 'duplicates the id "a" of item 0' }]],
  ])('refuses %s with label_set_invalid naming the item', (_name, items, problems) => {
    try {
      normalizeLabelSet(items);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).code).toBe('label_set_invalid');
      expect((err as ValidationError).details).toEqual({ problems });
    }
  });

  it('reports every problem at once', () => {
    expect(() => normalizeLabelSet([{ id: '', label: '' }, { id: 'b', label: 'B' }, { id: 'b', label: '' }])).toThrow(
      expect.objectContaining({ details: { problems: expect.arrayContaining([expect.anything(), expect.anything(), expect.anything(), expect.anything()]) } }),
    );
  });
});

describe('tags', () => {
  it('trims and drops duplicates, keeping the first order', () => {
    expect(normalizeTags([' nlp', 'en', 'nlp '])).toEqual(['nlp', 'en']);
  });

  it('refuses a blank tag', () => {
    expect(() => normalizeTags(['ok', '  '])).toThrow(expect.objectContaining({ code: 'tags_invalid' }));
  });
});
