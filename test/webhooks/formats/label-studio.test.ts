import { describe, expect, it } from 'vitest';
import { labelStudioFormat } from '../../../src/webhooks/formats/label-studio.js';
import type { StoredEvent } from '../../../src/events/event.js';
import { doc, event, label, project, team } from './events.js';
import { expectLabelStudioShape, LS_ACTION_KEYS, LS_ANNOTATION, LS_PROJECT, LS_TASK } from './label-studio-fields.js';

// Label Studio's bodies key set by key set (label-studio-fields.ts holds Label Studio 1.22's objects), with the
// integer aliases as ids and foreign keys.

const COUNTS = { documentCount: 3, annotatedDocumentCount: 1, annotationCount: 2, labelCount: 5 };
const PROJECT = project({ num: 7, createdByNum: 3, counts: COUNTS });
const TEAM = { ...team, num: 2 };
const ACTOR = { id: 'mem_9', email: 'l@x.test', name: 'L', role: 'labeler' as const, num: 9 };

function lsEvent(type: StoredEvent['type'], data: Record<string, unknown>): StoredEvent {
  return { ...event(type, data, { projectRef: PROJECT, actor: ACTOR }), team: TEAM };
}

// Parsed JSON, deliberately loosely typed: the tests assert its shape.
function body(e: StoredEvent, sendPayload = true) {
  const records = labelStudioFormat.records(e, { sendPayload });
  expect(records).toHaveLength(1);
  return JSON.parse(labelStudioFormat.render(records, e.type, false));
}

function annotation(labels = [label()], n = 11) {
  return {
    id: `ann_${n}`,
    num: n,
    documentId: doc(1).id,
    projectId: PROJECT.id,
    memberId: 'mem_1',
    memberNum: 4,
    labels,
    createdAt: '2023-11-17T09:50:00.000Z',
    updatedAt: '2023-11-17T09:51:00.000Z',
  };
}

const DOC = doc(1, { num: 41, text: 'To be, or not to be', data: { lang: 'en' }, annotationCount: 1 });

describe('label-studio format', () => {
  it('PROJECT_CREATED / PROJECT_UPDATED send every field of Label Studio’s project, counts and integer ids included', () => {
    for (const type of ['PROJECT_CREATED', 'PROJECT_UPDATED'] as const) {
      const b = body(lsEvent(type, { project: PROJECT, before: {}, changed: [] }));
      expect(Object.keys(b)).toEqual(LS_ACTION_KEYS[type]);
      expect(b.action).toBe(type);
      expectLabelStudioShape(b.project, LS_PROJECT, 'project');
      expect(b.project).toMatchObject({
        id: 7,
        organization: 2,
        created_by: 3,
        title: 'hamlet.TXT',
        task_number: 3,
        finished_task_number: 1,
        num_tasks_with_annotations: 1,
        total_annotations_number: 2,
        useful_annotation_number: 2,
        result_count: 5,
        token: null,
        task_data_password: null,
      });
      expect(b.project.label_config).toBe(
        '<View><Text name="text" value="$text"/><Labels name="label" toName="text"><Label value="Geography" background="#00ff00"/><Label value="Person"/></Labels>' +
          '<Choices name="choice" toName="text"><Choice value="Geography"/><Choice value="Person"/></Choices></View>',
      );
      expect(b.project.parsed_label_config.label).toMatchObject({ type: 'Labels', to_name: ['text'], labels: ['Geography', 'Person'] });
      expect(b.project.parsed_label_config.choice).toMatchObject({ type: 'Choices', labels: ['Geography', 'Person'] });
      expect(b.project.parsed_label_config.label.inputs).toEqual([{ type: 'Text', valueType: null, value: 'text' }]);
    }
  });

  it('PROJECT_DELETED sends only the project’s integer id', () => {
    expect(body(lsEvent('PROJECT_DELETED', { project: PROJECT, documentCount: 3 }))).toEqual({ action: 'PROJECT_DELETED', project: { id: 7 } });
  });

  it('TASKS_CREATED sends every task field, the imported data and text under task.data', () => {
    const b = body(
      lsEvent('TASKS_CREATED', { documents: [{ ...doc(1), num: 41, text: 'To be' }, { ...doc(2), num: 42, data: { text: 'Or not', lang: 'en' } }], count: 2 }),
    );
    expect(Object.keys(b)).toEqual(LS_ACTION_KEYS.TASKS_CREATED);
    expect(b.tasks).toHaveLength(2);
    for (const task of b.tasks) expectLabelStudioShape(task, LS_TASK, 'task');
    expectLabelStudioShape(b.project, LS_PROJECT, 'project');
    expect(b.tasks[0]).toMatchObject({ id: 41, project: 7, data: { text: 'To be' }, meta: { key: 'key-1', name: 'hamlet.TXT' }, is_labeled: false, total_annotations: 0 });
    expect(b.tasks[1].data).toEqual({ text: 'Or not', lang: 'en' });
  });

  it('TASKS_DELETED sends the tasks’ integer ids only', () => {
    const b = body(lsEvent('TASKS_DELETED', { documents: [doc(1, { num: 41 }), doc(2, { num: 42 })], count: 2 }));
    expect(Object.keys(b)).toEqual(LS_ACTION_KEYS.TASKS_DELETED);
    expect(b.tasks).toEqual([{ id: 41 }, { id: 42 }]);
  });

  it('ANNOTATION_CREATED sends every annotation and task field; task.data carries the text; results are Label Studio’s', () => {
    const b = body(
      lsEvent('ANNOTATION_CREATED', { annotation: annotation(), document: DOC, isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: [label()] } }),
    );
    expect(Object.keys(b)).toEqual(LS_ACTION_KEYS.ANNOTATION_CREATED);
    expectLabelStudioShape(b.annotation, LS_ANNOTATION, 'annotation');
    expectLabelStudioShape(b.task, LS_TASK, 'task');
    expectLabelStudioShape(b.project, LS_PROJECT, 'project');
    expect(b.annotation).toMatchObject({ id: 11, task: 41, project: 7, completed_by: 4, updated_by: 9, unique_id: 'ann_11', result_count: 1, bulk_created: false });
    expect(b.annotation.result).toEqual([
      { value: { start: 0, end: 2, labels: ['Geography'] }, id: 'lbl_1', from_name: 'label', to_name: 'text', type: 'labels', origin: 'manual' },
    ]);
    expect(b.task).toMatchObject({ id: 41, project: 7, is_labeled: true, total_annotations: 1, data: { text: 'To be, or not to be', lang: 'en' } });
  });

  it('ANNOTATION_UPDATED turns row labels into choices and predictions keep their score', () => {
    const row = label({ id: 'lbl_2', type: 'ROW', labelSetItemId: 'per', labeledBy: 'PREDICTION', confidenceScore: 0.9 });
    const b = body(
      lsEvent('ANNOTATION_UPDATED', {
        annotation: annotation([row]),
        document: DOC,
        isReviewDocument: false,
        labelUpdateList: { toDeleteList: [], toUpsertList: [row] },
        before: { labels: [] },
      }),
    );
    expect(Object.keys(b)).toEqual(LS_ACTION_KEYS.ANNOTATION_UPDATED);
    expectLabelStudioShape(b.annotation, LS_ANNOTATION, 'annotation');
    expect(b.annotation.last_action).toBe('updated');
    expect(b.annotation.result).toEqual([
      { value: { choices: ['Person'] }, id: 'lbl_2', from_name: 'choice', to_name: 'text', type: 'choices', origin: 'prediction', score: 0.9 },
    ]);
  });

  it('ANNOTATIONS_CREATED sends Label Studio’s bulk shape: a list of annotations under `annotation`, of tasks under `task`', () => {
    const doc2 = doc(2, { num: 42, text: 'Or not', annotationCount: 1 });
    const b = body(
      lsEvent('ANNOTATIONS_CREATED', {
        annotations: [annotation([label()], 11), { ...annotation([label({ id: 'lbl_3' })], 12), documentId: doc2.id }],
        documents: [DOC, doc2],
        isReviewDocument: false,
      }),
    );
    expect(Object.keys(b)).toEqual(LS_ACTION_KEYS.ANNOTATIONS_CREATED);
    expect(b.annotation).toHaveLength(2);
    expect(b.task).toHaveLength(2);
    for (const a of b.annotation) expectLabelStudioShape(a, LS_ANNOTATION, 'annotation');
    for (const t of b.task) expectLabelStudioShape(t, LS_TASK, 'task');
    expect(b.annotation.map((a: { id: number; task: number; bulk_created: boolean }) => [a.id, a.task, a.bulk_created])).toEqual([
      [11, 41, true],
      [12, 42, true],
    ]);
    expect(b.task.map((t: { data: { text: string } }) => t.data.text)).toEqual(['To be, or not to be', 'Or not']);
  });

  it('ANNOTATIONS_DELETED sends {action, annotations: [{id}], project} with integer ids', () => {
    const b = body(
      lsEvent('ANNOTATIONS_DELETED', {
        annotations: [{ id: 'ann_1', num: 11, documentId: DOC.id, memberId: 'mem_1', labels: [label()] }],
        document: DOC,
        isReviewDocument: false,
        labelUpdateList: { toDeleteList: [label()], toUpsertList: [] },
      }),
    );
    expect(Object.keys(b)).toEqual(LS_ACTION_KEYS.ANNOTATIONS_DELETED);
    expect(b.annotations).toEqual([{ id: 11 }]);
  });

  it('events Label Studio lacks keep its envelope and objects: action first, project, and the task when there is one', () => {
    const completed = body(lsEvent('TASK_COMPLETED', { document: DOC, mode: 'labeler' }));
    expect(Object.keys(completed)).toEqual(['action', 'task', 'project']);
    expectLabelStudioShape(completed.task, LS_TASK, 'task');
    expect(completed.task.data.text).toBe('To be, or not to be');
    expect(Object.keys(body(lsEvent('TASKS_EXCLUDED', { documents: [doc(1, { num: 41 })], count: 1 })))).toEqual(['action', 'tasks', 'project']);
    expect(Object.keys(body(lsEvent('PROJECT_COMPLETED', { project: PROJECT, mode: 'labeler' })))).toEqual(['action', 'project']);
    const gate = body(lsEvent('BEFORE_UPDATE_LABELS', { document: DOC, isReviewDocument: true, labelUpdateList: { toDeleteList: [], toUpsertList: [label()] } }));
    expect(Object.keys(gate)).toEqual(['action', 'labels', 'is_review_document', 'project', 'task']);
    expect(gate.task.data.text).toBe('To be, or not to be');
    expect(gate.labels.to_upsert[0].value.labels).toEqual(['Geography']);
    expect(body(event('PING', { message: 'hello', webhookId: 'wh_1' }, { projectRef: null }))).toEqual({ action: 'PING', message: 'hello', webhook_id: 'wh_1' });
  });

  it('an event stored before integer aliases existed keeps every key, with null ids', () => {
    const b = body(event('ANNOTATION_CREATED', { annotation: { ...annotation(), num: undefined, memberNum: undefined }, document: doc(1), isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: [] } }));
    expect(Object.keys(b.annotation).sort()).toEqual(Object.keys(LS_ANNOTATION).sort());
    expect(Object.keys(b.task).sort()).toEqual(Object.keys(LS_TASK).sort());
    expect(b.annotation.id).toBeNull();
    expect(b.task.id).toBeNull();
  });

  it('sendPayload false sends exactly {"action"}', () => {
    const e = lsEvent('TASKS_CREATED', { documents: [doc(1)], count: 1 });
    expect(labelStudioFormat.render(labelStudioFormat.records(e, { sendPayload: false }), e.type, false)).toBe('{"action":"TASKS_CREATED"}');
  });
});
