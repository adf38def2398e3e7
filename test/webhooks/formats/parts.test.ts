import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../src/events/catalog.js';
import { fitRecord, type FittedRecord } from '../../../src/webhooks/fanout/fit-record.js';
import type { WebhookFormatName } from '../../../src/webhooks/formats/format.js';
import { getPath, partLayout } from '../../../src/webhooks/formats/part-layout.js';
import { getFormat } from '../../../src/webhooks/formats/registry.js';
import { webhookPart } from '../../../sdk/parts.js';
import { doc, event, label } from './events.js';

// fitRecord over each dialect's real records: parts that fit, in order, covering the list; content left out only
// where a record cannot fit with it.

const LIMIT = 100 * 1024;
const FORMATS: WebhookFormatName[] = ['standard', 'datasaur', 'label-studio'];
const bytes = (s: string): number => Buffer.byteLength(s);

function fit(format: WebhookFormatName, type: EventType, data: Record<string, unknown>, limit = LIMIT, batched = false): FittedRecord[] {
  const f = getFormat(format);
  const e = event(type, data);
  const records = f.records(e, { sendPayload: true });
  return records.flatMap((record, index) => [
    ...fitRecord({ event: e, format: f, sendPayload: true, index, render: (r) => (batched ? JSON.stringify(r) : f.render([r], type, false)), budget: limit }, record),
  ]);
}

const docs = (n: number, textBytes: number) => Array.from({ length: n }, (_, i) => ({ ...doc(i + 1), text: `${'x'.repeat(textBytes)} ${i}`, data: { n: i } }));
const listPath = (format: WebhookFormatName) => partLayout(format).list('documents', 'TASKS_CREATED');

describe.each(FORMATS)('parts in the %s format', (format) => {
  it('sends a small event whole, as the format renders it, with no part position', () => {
    const data = { documents: docs(3, 10), count: 3 };
    const [only, ...rest] = fit(format, 'TASKS_CREATED', data);
    expect(rest).toEqual([]);
    const f = getFormat(format);
    expect(only!.text).toBe(f.render(f.records(event('TASKS_CREATED', data), { sendPayload: true }), 'TASKS_CREATED', false));
    expect(only!.part).toBeNull();
    expect(getPath(only!.record, partLayout(format).part)).toBeUndefined();
  });

  it('splits 2,000 documents into numbered parts that each fit and together hold every document in order', () => {
    const data = { documents: docs(2000, 400), count: 2000 };
    const parts = fit(format, 'TASKS_CREATED', data);
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(bytes(p.text)).toBeLessThanOrEqual(LIMIT);
    expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => ({ eventId: 'evt_01', index: i + 1, count: parts.length })));
    // Label Studio's task ids are integer aliases; every dialect carries the document's key.
    const keys = parts.flatMap((p) => (getPath(JSON.parse(p.text), listPath(format)) as { key?: string; meta?: { key: string } }[]).map((t) => t.key ?? t.meta?.key));
    expect(keys).toEqual(data.documents.map((d) => d.key));
    const position = getPath(JSON.parse(parts[0]!.text), partLayout(format).part);
    expect(position).toEqual(format === 'label-studio' ? { event_id: 'evt_01', index: 1, count: parts.length } : { eventId: 'evt_01', index: 1, count: parts.length });
    // The SDK reads the position back in every dialect.
    expect(parts.map((p) => webhookPart(format, JSON.parse(p.text)))).toEqual(parts.map((p) => p.part));
    expect(webhookPart(format, JSON.parse(fit(format, 'TASKS_CREATED', { documents: docs(2, 1), count: 2 })[0]!.text))).toBeNull();
    // Greedy: every part but the last is full enough that the next document would not have fitted.
    const lens = parts.map((p) => bytes(p.text));
    expect(Math.min(...lens.slice(0, -1))).toBeGreaterThan(LIMIT - 1000);
  });

  it('sends a document too large on its own without text and data, saying so and where to read it', () => {
    const big = { ...doc(7), text: 'y'.repeat(300 * 1024), data: { big: true } };
    const data = { documents: [...docs(2, 10), big], count: 3 };
    const [only, ...rest] = fit(format, 'TASKS_CREATED', data);
    expect(rest).toEqual([]);
    expect(bytes(only!.text)).toBeLessThanOrEqual(LIMIT);
    const items = getPath(JSON.parse(only!.text), listPath(format)) as Record<string, unknown>[];
    const omitted = items[2]!;
    expect(JSON.stringify(omitted)).not.toContain('yyyy');
    const [fieldsKey, pathKey] = format === 'label-studio' ? ['content_omitted', 'content_path'] : ['contentOmitted', 'contentPath'];
    expect(omitted[fieldsKey]).toEqual(['text', 'data']);
    expect(omitted[pathKey]).toBe('/api/v1/documents/doc_7');
    // The others keep their content.
    expect(items[0]![fieldsKey]).toBeUndefined();
    expect(JSON.stringify(items[0])).toContain('xxxxxxxxxx');
  });

  it('sends a non-list event whose document is too large without the document text, saying so', () => {
    const annotation = { id: 'ann_1', documentId: 'doc_1', projectId: 'N2E4MjNlYTc', memberId: '1', labels: [label()], createdAt: 'x', updatedAt: 'x' };
    const document = { ...doc(1), text: 'z'.repeat(200 * 1024) };
    const data = { annotation, document, isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: [label()] } };
    const [only] = fit(format, 'ANNOTATION_CREATED', data);
    expect(bytes(only!.text)).toBeLessThanOrEqual(LIMIT);
    const body = JSON.parse(only!.text) as Record<string, unknown>;
    const item = getPath(body, partLayout(format).document) as Record<string, unknown>;
    expect(item[format === 'label-studio' ? 'content_omitted' : 'contentOmitted']).toEqual(['text']);
    expect(item[format === 'label-studio' ? 'content_path' : 'contentPath']).toBe('/api/v1/documents/doc_1');
  });
});

describe('parts without room for a position', () => {
  it('leaves labelator document records as they are (one per document, batched by the engine)', () => {
    const out = fit('labelator', 'TASKS_CREATED', { documents: docs(1000, 400), count: 1000 }, LIMIT, true);
    expect(out).toHaveLength(1000);
    expect(out.every((r) => r.part === null)).toBe(true);
  });

  it('splits the standard bodies labelator sends for events it lacks, each within the batch budget', () => {
    const out = fit('labelator', 'TASKS_DELETED', { documents: docs(2000, 400), count: 2000 }, LIMIT - 2, true);
    expect(out.length).toBeGreaterThan(5);
    for (const r of out) expect(bytes(r.text)).toBeLessThanOrEqual(LIMIT - 2);
    expect(out.flatMap((r) => (r.record as { data: { documents: { id: string }[] } }).data.documents.map((d) => d.id))).toHaveLength(2000);
  });

  it('splits a list event the table does not name by its documents array (a list event added later)', () => {
    const out = fit('standard', 'TASK_COMPLETED', { documents: docs(1000, 400), mode: 'labeler' });
    expect(out.length).toBeGreaterThan(1);
    for (const r of out) expect(bytes(r.text)).toBeLessThanOrEqual(LIMIT);
    expect(out.flatMap((r) => (JSON.parse(r.text) as { data: { documents: unknown[] } }).data.documents)).toHaveLength(1000);
  });

  it('splits ANNOTATIONS_DELETED by its annotations', () => {
    const annotations = Array.from({ length: 300 }, (_, i) => ({ id: `ann_${i}`, documentId: 'doc_1', memberId: '1', labels: Array.from({ length: 10 }, () => label()) }));
    const out = fit('standard', 'ANNOTATIONS_DELETED', { annotations, document: doc(1), isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: [] } });
    expect(out.length).toBeGreaterThan(1);
    for (const r of out) expect(bytes(r.text)).toBeLessThanOrEqual(LIMIT);
    expect(out.flatMap((r) => (JSON.parse(r.text) as { data: { annotations: { id: string }[] } }).data.annotations.map((a) => a.id))).toEqual(annotations.map((a) => a.id));
  });
});

describe('companion lists travel with the part they belong to', () => {
  it.each(['standard', 'datasaur'] as const)('TASKS_UPDATED in %s: each part carries the before values of its own documents, and fits', (format) => {
    const after = docs(1500, 300);
    const before = after.map((d) => ({ ...d, text: `old ${d.text}` }));
    const parts = fit(format, 'TASKS_UPDATED', { documents: after, before, count: after.length });
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) {
      expect(bytes(p.text)).toBeLessThanOrEqual(LIMIT);
      const body = JSON.parse(p.text) as { data: { documents: { id: string }[]; before: { id: string }[] } };
      expect(body.data.before.map((d) => d.id)).toEqual(body.data.documents.map((d) => d.id));
    }
    expect(parts.flatMap((p) => (JSON.parse(p.text) as { data: { before: { id: string }[] } }).data.before.map((d) => d.id))).toEqual(before.map((d) => d.id));
  });

  it.each(['standard', 'label-studio'] as const)('ANNOTATIONS_CREATED in %s: each part carries the documents its annotations are on, and fits', (format) => {
    const documents = docs(1000, 200).map((d, i) => ({ ...d, num: i + 1 }));
    const annotations = documents.map((d, i) => ({
      id: `ann_${i}`,
      num: i + 1,
      memberNum: 1,
      documentId: d.id,
      projectId: d.projectId,
      memberId: 'mem_1',
      labels: [label({ id: `lbl_${i}`, documentId: d.id })],
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    }));
    const parts = fit(format, 'ANNOTATIONS_CREATED', { annotations, documents, isReviewDocument: false });
    expect(parts.length).toBeGreaterThan(3);
    const annPath = partLayout(format).list('annotations', 'ANNOTATIONS_CREATED');
    const docPath = partLayout(format).list('documents', 'ANNOTATIONS_CREATED');
    let seen = 0;
    for (const p of parts) {
      expect(bytes(p.text)).toBeLessThanOrEqual(LIMIT);
      const body = JSON.parse(p.text) as unknown;
      const anns = getPath(body, annPath) as { task?: number; documentId?: string }[];
      const tasks = getPath(body, docPath) as { id: string | number }[];
      // The part's annotations name exactly the part's documents.
      expect(anns.map((a) => a.documentId ?? a.task)).toEqual(tasks.map((d) => d.id));
      seen += anns.length;
    }
    expect(seen).toBe(annotations.length);
  });
});
