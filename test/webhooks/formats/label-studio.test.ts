import { describe, expect, it } from 'vitest';
import { labelStudioFormat } from '../../../src/webhooks/formats/label-studio.js';
import type { StoredEvent } from '../../../src/events/event.js';
import { doc, event, label, project } from './events.js';

// Key names and order as Label Studio's server sends them: `{action, <key>, project, <nested>}` (webhooks/utils.py),
// task and annotation fields as its serializers and webhook reference show them.
const TASK_KEYS = ['id', 'data', 'meta', 'created_at', 'updated_at', 'is_labeled', 'project'];
const ANNOTATION_KEYS = ['id', 'result', 'was_cancelled', 'ground_truth', 'created_at', 'updated_at', 'lead_time', 'task', 'project', 'completed_by'];
const PROJECT_KEYS = ['id', 'title', 'description', 'label_config', 'data_types', 'created_at', 'updated_at', 'organization', 'tags', 'status'];

// Parsed JSON, deliberately loosely typed: the tests assert its shape.
function body(e: StoredEvent, sendPayload = true) {
  const records = labelStudioFormat.records(e, { sendPayload });
  expect(records).toHaveLength(1);
  return JSON.parse(labelStudioFormat.render(records, e.type, false));
}

function annotation(labels = [label()]) {
  return { id: 'ann_1', documentId: doc().id, projectId: 'N2E4MjNlYTc', memberId: 'mem_1', labels, createdAt: '2023-11-17T09:50:00.000Z', updatedAt: '2023-11-17T09:51:00.000Z' };
}

describe('label-studio format', () => {
  it('PROJECT_CREATED / PROJECT_UPDATED send {action, project} with Label Studio’s project fields', () => {
    for (const type of ['PROJECT_CREATED', 'PROJECT_UPDATED'] as const) {
      const b = body(event(type, { project: project(), before: {}, changed: [] }));
      expect(Object.keys(b)).toEqual(['action', 'project']);
      expect(b.action).toBe(type);
      expect(Object.keys(b.project)).toEqual(PROJECT_KEYS);
      expect(b.project).toMatchObject({ id: 'N2E4MjNlYTc', title: 'hamlet.TXT', organization: '1' });
      expect(b.project.label_config).toBe(
        '<View><Text name="text" value="$text"/><Labels name="label" toName="text"><Label value="Geography" background="#00ff00"/><Label value="Person"/></Labels>' +
          '<Choices name="choice" toName="text"><Choice value="Geography"/><Choice value="Person"/></Choices></View>',
      );
    }
  });

  it('PROJECT_DELETED sends only the project id', () => {
    expect(body(event('PROJECT_DELETED', { project: project(), documentCount: 3 }))).toEqual({ action: 'PROJECT_DELETED', project: { id: 'N2E4MjNlYTc' } });
  });

  it('TASKS_CREATED sends {action, tasks, project} with the imported data under task.data', () => {
    const b = body(event('TASKS_CREATED', { documents: [{ ...doc(1), text: 'To be' }, { ...doc(2), data: { text: 'Or not', lang: 'en' } }], count: 2 }));
    expect(Object.keys(b)).toEqual(['action', 'tasks', 'project']);
    expect(b.tasks).toHaveLength(2);
    expect(Object.keys(b.tasks[0])).toEqual(TASK_KEYS);
    expect(b.tasks[0]).toMatchObject({ id: 'doc_1', data: { text: 'To be' }, meta: { key: 'key-1', name: 'hamlet.TXT' }, is_labeled: false, project: 'N2E4MjNlYTc' });
    expect(b.tasks[1].data).toEqual({ text: 'Or not', lang: 'en' });
  });

  it('TASKS_DELETED sends the task ids only', () => {
    const b = body(event('TASKS_DELETED', { documents: [doc(1), doc(2)], count: 2 }));
    expect(Object.keys(b)).toEqual(['action', 'tasks', 'project']);
    expect(b.tasks).toEqual([{ id: 'doc_1' }, { id: 'doc_2' }]);
  });

  it('ANNOTATION_CREATED sends {action, annotation, project, task} with span labels as Label Studio results', () => {
    const b = body(event('ANNOTATION_CREATED', { annotation: annotation(), document: doc(), isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: [label()] } }));
    expect(Object.keys(b)).toEqual(['action', 'annotation', 'project', 'task']);
    expect(Object.keys(b.annotation)).toEqual(ANNOTATION_KEYS);
    expect(b.annotation).toMatchObject({ id: 'ann_1', task: doc().id, completed_by: 'mem_1', was_cancelled: false, ground_truth: false });
    expect(b.annotation.result).toEqual([
      { value: { start: 0, end: 2, labels: ['Geography'] }, id: 'lbl_1', from_name: 'label', to_name: 'text', type: 'labels', origin: 'manual' },
    ]);
    expect(Object.keys(b.task)).toEqual(TASK_KEYS);
    expect(b.task.is_labeled).toBe(true);
  });

  it('ANNOTATION_UPDATED turns row labels into choices and predictions keep their score', () => {
    const row = label({ id: 'lbl_2', type: 'ROW', labelSetItemId: 'per', labeledBy: 'PREDICTION', confidenceScore: 0.9 });
    const b = body(
      event('ANNOTATION_UPDATED', {
        annotation: annotation([row]),
        document: doc(),
        isReviewDocument: false,
        labelUpdateList: { toDeleteList: [], toUpsertList: [row] },
        before: { labels: [] },
      }),
    );
    expect(b.action).toBe('ANNOTATION_UPDATED');
    expect(b.annotation.result).toEqual([
      { value: { choices: ['Person'] }, id: 'lbl_2', from_name: 'choice', to_name: 'text', type: 'choices', origin: 'prediction', score: 0.9 },
    ]);
  });

  it('ANNOTATIONS_DELETED sends {action, annotations: [{id}], project}', () => {
    const b = body(
      event('ANNOTATIONS_DELETED', {
        annotations: [{ id: 'ann_1', documentId: doc().id, memberId: 'mem_1', labels: [label()] }],
        document: doc(),
        isReviewDocument: false,
        labelUpdateList: { toDeleteList: [label()], toUpsertList: [] },
      }),
    );
    expect(Object.keys(b)).toEqual(['action', 'annotations', 'project']);
    expect(b.annotations).toEqual([{ id: 'ann_1' }]);
  });

  it('events Label Studio lacks keep its shape: action first, project, and the task when there is one', () => {
    expect(Object.keys(body(event('TASK_COMPLETED', { document: doc(), mode: 'labeler' })))).toEqual(['action', 'task', 'project']);
    expect(Object.keys(body(event('TASKS_EXCLUDED', { documents: [doc(1)], count: 1 })))).toEqual(['action', 'tasks', 'project']);
    expect(Object.keys(body(event('PROJECT_COMPLETED', { project: project(), mode: 'labeler' })))).toEqual(['action', 'project']);
    const gate = body(event('BEFORE_UPDATE_LABELS', { document: doc(), isReviewDocument: true, labelUpdateList: { toDeleteList: [], toUpsertList: [label()] } }));
    expect(Object.keys(gate)).toEqual(['action', 'labels', 'is_review_document', 'project', 'task']);
    expect(gate.labels.to_upsert[0].value.labels).toEqual(['Geography']);
    expect(body(event('PING', { message: 'hello', webhookId: 'wh_1' }, { projectRef: null }))).toEqual({ action: 'PING', message: 'hello', webhook_id: 'wh_1' });
  });

  it('sendPayload false sends exactly {"action"}', () => {
    const e = event('TASKS_CREATED', { documents: [doc(1)], count: 1 });
    expect(labelStudioFormat.render(labelStudioFormat.records(e, { sendPayload: false }), e.type, false)).toBe('{"action":"TASKS_CREATED"}');
  });
});
