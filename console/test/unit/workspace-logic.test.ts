import { parse } from 'csv-parse/browser/esm/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseImportText, type CsvParseSync } from '../../../src/import-format/index.ts';
import type { DocumentItem, Project } from '../../src/api/types.ts';
import { importChunks, IMPORT_CHUNK } from '../../src/import-file.ts';
import { blockAt, textBlocks } from '../../src/labeling/blocks.ts';
import { orderedRange, segmentsOf, wordStep } from '../../src/labeling/segments.ts';
import { progressOf, queueOf } from '../../src/progress.ts';
import { EMPTY_PROJECT_FORM, fromProject, idFromLabel, inUseMessage, toProjectInput, validateProjectForm } from '../../src/project-form.ts';
import { matchRoute } from '../../src/router.ts';

const csv = parse as unknown as CsvParseSync;

describe('text blocks of the document view', () => {
  it('cover the text exactly, in order, each at most the block size', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', 'é'), maxLength: 3000 }), fc.integer({ min: 2, max: 300 }), (text, size) => {
        const blocks = textBlocks(text, size);
        expect(blocks.map((b) => text.slice(b.start, b.end)).join('')).toBe(text);
        for (const [i, b] of blocks.entries()) {
          expect(b.end - b.start).toBeGreaterThan(0);
          expect(b.end - b.start).toBeLessThanOrEqual(size);
          if (i > 0) expect(b.start).toBe(blocks[i - 1]!.end);
        }
      }),
    );
  });

  it('end at a line break, else a space, when one is in the second half of the block', () => {
    expect(textBlocks('aaaa\nbbb ccc', 8).map((b) => [b.start, b.end])).toEqual([[0, 5], [5, 12]]);
    expect(textBlocks('aaaaa bbbbcccc', 8).map((b) => [b.start, b.end])).toEqual([[0, 6], [6, 14]]);
    expect(textBlocks('abcdefghij', 4).map((b) => [b.start, b.end])).toEqual([[0, 4], [4, 8], [8, 10]]);
  });

  it('find the block that holds an offset', () => {
    const blocks = textBlocks('x'.repeat(10_000), 1000);
    expect(blocks).toHaveLength(10);
    expect(blockAt(blocks, 0)).toBe(0);
    expect(blockAt(blocks, 999)).toBe(0);
    expect(blockAt(blocks, 1000)).toBe(1);
    expect(blockAt(blocks, 9999)).toBe(9);
    expect(blockAt(blocks, 10_000)).toBe(9);
  });
});

describe('span segments', () => {
  it('split a block at every label boundary, with the labels covering each run and where each ends', () => {
    const marks = [
      { id: 'a', start: 2, end: 6 },
      { id: 'b', start: 4, end: 9 },
      { id: 'empty', start: 5, end: 5 },
      { id: 'outside', start: 20, end: 25 },
    ];
    expect(segmentsOf(0, 10, marks)).toEqual([
      { start: 0, end: 2, labels: [], endsHere: [] },
      { start: 2, end: 4, labels: ['a'], endsHere: [] },
      { start: 4, end: 6, labels: ['a', 'b'], endsHere: ['a'] },
      { start: 6, end: 9, labels: ['b'], endsHere: ['b'] },
      { start: 9, end: 10, labels: [], endsHere: [] },
    ]);
  });

  it('clip a label that crosses the block, so its name shows only where it really ends', () => {
    expect(segmentsOf(10, 20, [{ id: 'x', start: 5, end: 30 }])).toEqual([{ start: 10, end: 20, labels: ['x'], endsHere: [] }]);
    expect(segmentsOf(20, 40, [{ id: 'x', start: 5, end: 30 }])[0]).toEqual({ start: 20, end: 30, labels: ['x'], endsHere: ['x'] });
  });

  it('always cover the block exactly, whatever the labels', () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }));
    fc.assert(
      fc.property(fc.array(range, { maxLength: 8 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), (ranges, from, len) => {
        const marks = ranges.map(([a, b], i) => ({ id: `m${i}`, start: Math.min(a, b), end: Math.max(a, b) }));
        const segs = segmentsOf(from, from + len, marks);
        expect(segs[0]!.start).toBe(from);
        expect(segs.at(-1)!.end).toBe(from + len);
        for (const s of segs) {
          for (const m of marks) expect(s.labels.includes(m.id)).toBe(m.end > m.start && m.start <= s.start && m.end >= s.end);
        }
      }),
    );
  });
});

describe('keyboard selection', () => {
  const text = 'Ada Lovelace, 1843.';
  it('steps by word to the next word end and the previous word start', () => {
    expect(wordStep(text, 0, 1)).toBe(3);
    expect(wordStep(text, 3, 1)).toBe(12);
    expect(wordStep(text, 12, 1)).toBe(18);
    expect(wordStep(text, 18, 1)).toBe(19);
    expect(wordStep(text, 19, 1)).toBe(19);
    expect(wordStep(text, 12, -1)).toBe(4);
    expect(wordStep(text, 4, -1)).toBe(0);
    expect(wordStep(text, 0, -1)).toBe(0);
  });

  it('orders a backwards selection and drops an empty one', () => {
    expect(orderedRange(12, 4)).toEqual({ start: 4, end: 12 });
    expect(orderedRange(4, 12)).toEqual({ start: 4, end: 12 });
    expect(orderedRange(5, 5)).toBeNull();
  });
});

describe('project form', () => {
  it('refuses what the API refuses: blank name, blank or duplicate label ids, blank labels, long tags', () => {
    const errors = validateProjectForm({
      name: '  ',
      tags: `ok, ${'t'.repeat(101)}`,
      labelSet: [
        { id: 'per', label: 'Person', color: '' },
        { id: 'per', label: 'Place', color: '' },
        { id: 'x', label: ' ', color: '' },
        { id: '', label: '', color: '' },
      ],
    });
    expect(errors).toEqual({
      name: 'Give the project a name.',
      tags: 'Each tag may have at most 100 characters.',
      'label-1-id': 'The id "per" is already used by label 1.',
      'label-2-label': 'The label needs a name.',
    });
    expect(validateProjectForm({ ...EMPTY_PROJECT_FORM, name: 'Tickets' })).toEqual({});
  });

  it('sends trimmed fields, unique tags, ids made from names, null for no colour, blank rows left out', () => {
    expect(
      toProjectInput({
        name: ' Tickets ',
        tags: 'ner, support, ner,',
        labelSet: [
          { id: '', label: 'Product name', color: '#ff0000' },
          { id: ' org ', label: 'ORG', color: '' },
          { id: '', label: '', color: '' },
        ],
      }),
    ).toEqual({
      name: 'Tickets',
      tags: ['ner', 'support'],
      labelSet: [
        { id: 'product-name', label: 'Product name', color: '#ff0000' },
        { id: 'org', label: 'ORG', color: null },
      ],
    });
    expect(idFromLabel('  Ünïcode & Co. ')).toBe('ünïcode-co');
  });

  it('reads a saved project back into the form, and words the in-use refusal with the label counts', () => {
    const p = { id: 'prj_1', name: 'P', tags: ['a', 'b'], labelSet: [{ id: 'per', label: 'PERSON', color: null }], status: 'CREATED', createdAt: '' } as Project;
    expect(fromProject(p)).toEqual({ name: 'P', tags: 'a, b', labelSet: [{ id: 'per', label: 'PERSON', color: '' }] });
    expect(inUseMessage({ items: [{ id: 'per', labelCount: 3 }, { id: 'org', labelCount: 1 }] }, (id) => id.toUpperCase())).toBe('“PER” is used by 3 labels; “ORG” is used by 1 label');
    expect(inUseMessage(null, (id) => id)).toBeNull();
  });
});

describe('progress and queues', () => {
  const doc = (id: string, status: 'active' | 'excluded', completions: DocumentItem['completions'] = []): DocumentItem => ({ id, num: 1, projectId: 'p', key: null, name: id, text: null, data: null, status, completions, createdAt: '', updatedAt: '' });
  const docs = [
    doc('a', 'active', [{ memberId: 'ann', mode: 'labeler', completedAt: '' }, { memberId: 'rex', mode: 'reviewer', completedAt: '' }]),
    doc('b', 'active', [{ memberId: 'bob', mode: 'labeler', completedAt: '' }]),
    doc('c', 'active'),
    doc('d', 'excluded', [{ memberId: 'ann', mode: 'labeler', completedAt: '' }]),
  ];
  it('counts completed and reviewed of the active documents', () => {
    expect(progressOf(docs)).toEqual({ total: 3, completed: 2, reviewed: 1, excluded: 1 });
  });
  it("queues a member's active documents they have not completed in that mode", () => {
    expect(queueOf(docs, 'ann', 'labeler').map((d) => d.id)).toEqual(['b', 'c']);
    expect(queueOf(docs, 'rex', 'reviewer').map((d) => d.id)).toEqual(['b', 'c']);
    expect(queueOf(docs, 'bob', 'reviewer').map((d) => d.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('file import in the console', () => {
  it('reads JSONL, a JSON array, CSV and text like labelhook import, listing every bad line', () => {
    const jsonl = parseImportText('{"key":"a","text":"first"}\n\nnot json\n"a string"\n[1]\n{"title":"x"}\r\n', 'f.jsonl', 'jsonl', undefined, csv);
    expect(jsonl.documents).toEqual([
      { doc: { key: 'a', text: 'first' }, line: 1 },
      { doc: { text: 'a string' }, line: 4 },
      { doc: { data: { title: 'x' } }, line: 6 },
    ]);
    expect(jsonl.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^f\.jsonl:3: not valid JSON/), 'f.jsonl:5: expected a JSON object or string, got an array']);

    const json = parseImportText('[\n {"text": "one"},\n {"text": bad},\n "two"\n]', 'f.json', 'json', undefined, csv);
    expect(json.documents.map((d) => [d.line, d.doc])).toEqual([[2, { text: 'one' }], [4, { text: 'two' }]]);
    expect(json.errors.map((e) => e.line)).toEqual([3]);
    expect(parseImportText('[1,]', 'g.json', 'json', undefined, csv).errors[0]!.message).toBe('g.json:1: a "," is followed by "]" (trailing comma)');

    const rows = parseImportText('\ufeffkey,body,lang\nr1,"Hello, you",en\nr2,too,many,cells\nr3,Bye,fr\n', 'f.csv', 'csv', 'body', csv);
    expect(rows.documents).toEqual([
      { doc: { key: 'r1', text: 'Hello, you', data: { lang: 'en' } }, line: 2 },
      { doc: { key: 'r3', text: 'Bye', data: { lang: 'fr' } }, line: 4 },
    ]);
    expect(rows.errors.map((e) => e.line)).toEqual([3]);
    expect(parseImportText('a\tb\n1\t2\n', 'f.tsv', 'csv', 'b', csv).documents[0]!.doc).toEqual({ text: '2', data: { a: '1' } });
    expect(parseImportText('title\nx\n', 'f.csv', 'csv', undefined, csv).errors[0]!.message).toBe('f.csv:1: no "text" column (columns: title); choose the text column with --column');

    expect(parseImportText('one\n\n  \ntwo\r\n', 'f.txt', 'text', undefined, csv).documents).toEqual([
      { doc: { text: 'one' }, line: 1 },
      { doc: { text: 'two' }, line: 4 },
    ]);
  });

  it('sends at most IMPORT_CHUNK documents per request and cuts early for long texts', () => {
    const many = Array.from({ length: IMPORT_CHUNK * 2 + 1 }, (_, i) => ({ text: String(i) }));
    expect(importChunks(many).map((c) => c.length)).toEqual([IMPORT_CHUNK, IMPORT_CHUNK, 1]);
    const long = Array.from({ length: 5 }, () => ({ text: 'x'.repeat(3 * 1024 * 1024) }));
    expect(importChunks(long).map((c) => c.length)).toEqual([2, 2, 1]);
  });
});

describe('workspace routes', () => {
  it('maps the set-up, queue and document addresses', () => {
    expect(matchRoute('#/projects/new').name).toBe('project-new');
    expect(matchRoute('#/projects/prj_1/edit')).toMatchObject({ name: 'project-edit', params: { id: 'prj_1' } });
    const q = matchRoute('#/projects/prj_1/queue?mode=reviewer');
    expect(q).toMatchObject({ name: 'queue', params: { id: 'prj_1' } });
    expect(q.query.get('mode')).toBe('reviewer');
    expect(matchRoute('#/documents/doc_1')).toMatchObject({ name: 'document', params: { id: 'doc_1' } });
    expect(matchRoute('#/team').name).toBe('team');
  });
});
