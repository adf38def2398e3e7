import { describe, expect, it } from 'vitest';
import { labelatorFormat } from '../../../src/webhooks/formats/labelator.js';
import { doc, event, label } from './events.js';

function annotationEvent(type: 'ANNOTATION_CREATED' | 'ANNOTATION_UPDATED', labels = [label()]) {
  const annotation = { id: 'ann_1', documentId: doc(7).id, projectId: 'N2E4MjNlYTc', memberId: 'mem_1', labels, createdAt: 'x', updatedAt: 'y' };
  return event(type, { annotation, document: doc(7), isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: labels }, before: { labels: [] } });
}

describe('labelator format', () => {
  it('an import of 250 documents gives 250 records, sent as 100 + 100 + 50 {"docs"} callbacks', () => {
    const documents = Array.from({ length: 250 }, (_, i) => doc(i + 1));
    const records = labelatorFormat.records(event('TASKS_CREATED', { documents, count: 250 }), { sendPayload: true });
    expect(records).toHaveLength(250);
    expect(records[0]).toEqual({ id: 'doc_1', key: 'key-1' });

    const { maxSize } = labelatorFormat.defaultBatch!;
    const bodies = [0, 100, 200].map((start) => JSON.parse(labelatorFormat.render(records.slice(start, start + maxSize), 'TASKS_CREATED', true)));
    expect(bodies.map((b) => b.docs.length)).toEqual([100, 100, 50]);
    expect(Object.keys(bodies[0])).toEqual(['docs']);
    expect(bodies[2].docs.at(-1)).toEqual({ id: 'doc_250', key: 'key-250' });
  });

  it('batches per 100 records or one second by default', () => {
    expect(labelatorFormat.defaultBatch).toEqual({ maxSize: 100, maxWaitMs: 1000 });
  });

  it('excluded documents use the same {"docs": [{id, key}]} callback', () => {
    const records = labelatorFormat.records(event('TASKS_EXCLUDED', { documents: [doc(1), doc(2, { key: null })], count: 2 }), { sendPayload: true });
    expect(labelatorFormat.render(records, 'TASKS_EXCLUDED', true)).toBe('{"docs":[{"id":"doc_1","key":"key-1"},{"id":"doc_2","key":null}]}');
  });

  it('annotations become {"modified": [{id, key, labels}]} with label names', () => {
    const records = labelatorFormat.records(annotationEvent('ANNOTATION_CREATED', [label(), label({ id: 'l2', labelSetItemId: 'per' })]), { sendPayload: true });
    expect(records).toEqual([{ id: 'doc_7', key: 'key-7', labels: ['Geography', 'Person'] }]);
    expect(labelatorFormat.render(records, 'ANNOTATION_CREATED', true)).toBe('{"modified":[{"id":"doc_7","key":"key-7","labels":["Geography","Person"]}]}');
  });

  it('several annotations created in one request become one {"modified"} record per document', () => {
    const annotations = [7, 8].map((n) => ({ id: `ann_${n}`, documentId: doc(n).id, projectId: 'N2E4MjNlYTc', memberId: 'mem_1', labels: [label()], createdAt: 'x', updatedAt: 'y' }));
    const e = event('ANNOTATIONS_CREATED', { annotations, documents: [doc(7), doc(8)], isReviewDocument: false });
    const records = labelatorFormat.records(e, { sendPayload: true });
    expect(labelatorFormat.render(records, 'ANNOTATIONS_CREATED', true)).toBe(
      '{"modified":[{"id":"doc_7","key":"key-7","labels":["Geography"]},{"id":"doc_8","key":"key-8","labels":["Geography"]}]}',
    );
  });

  it('labels applied by a model arrive as predicted_labels', () => {
    const records = labelatorFormat.records(annotationEvent('ANNOTATION_UPDATED', [label({ labeledBy: 'PREDICTION', confidenceScore: 0.8 })]), { sendPayload: true });
    expect(records).toEqual([{ id: 'doc_7', key: 'key-7', predicted_labels: ['Geography'] }]);
  });

  it('deleted annotations leave the document with no labels', () => {
    const e = event('ANNOTATIONS_DELETED', {
      annotations: [{ id: 'ann_1', documentId: doc(7).id, memberId: 'mem_1', labels: [label()] }],
      document: doc(7),
      isReviewDocument: false,
      labelUpdateList: { toDeleteList: [label()], toUpsertList: [] },
    });
    expect(labelatorFormat.records(e, { sendPayload: true })).toEqual([{ id: 'doc_7', key: 'key-7', labels: [] }]);
  });

  it('sendPayload false sends ids and keys only', () => {
    expect(labelatorFormat.records(annotationEvent('ANNOTATION_CREATED'), { sendPayload: false })).toEqual([{ id: 'doc_7', key: 'key-7' }]);
  });

  it('event types Labelator lacks travel as standard bodies, a JSON array when batched', () => {
    const e = event('TASKS_DELETED', { documents: [doc(1)], count: 1 });
    const records = labelatorFormat.records(e, { sendPayload: true });
    expect(records).toHaveLength(1);
    const single = JSON.parse(labelatorFormat.render(records, 'TASKS_DELETED', false));
    expect(Object.keys(single)).toEqual(['type', 'timestamp', 'data']);
    const batch = JSON.parse(labelatorFormat.render([...records, ...records], 'TASKS_DELETED', true));
    expect(batch).toHaveLength(2);
    expect(batch[0].type).toBe('TASKS_DELETED');
  });
});
