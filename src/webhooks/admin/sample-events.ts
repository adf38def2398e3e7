import type { EventType } from '../../events/catalog.js';
import type { Actor, DocumentRef, LabelView, ProjectRef, StoredEvent, TeamRef } from '../../events/event.js';
import type { AnnotationPayload, EventDataByType } from '../../events/payloads.js';

// Made-up but realistic events, one per type, so the console can show what a receiver gets in each
// format by running the real formatters (a sample table kept by hand would drift from them).

const AT = '2025-01-15T09:30:00.000Z';
const TEAM: TeamRef = { id: 'team_sample', name: 'Acme ML', num: 1 };
const ACTOR: Actor = { id: 'mem_sample', email: 'ada@example.com', name: 'Ada Lovelace', role: 'labeler', num: 3 };
const PROJECT: ProjectRef = {
  id: 'prj_sample',
  name: 'Support tickets NER',
  tags: ['ner', 'support'],
  status: 'IN_PROGRESS',
  labelSet: [
    { id: 'per', label: 'PERSON', color: '#ff6b6b' },
    { id: 'org', label: 'ORG', color: '#4dabf7' },
  ],
  createdAt: '2025-01-10T08:00:00.000Z',
  updatedAt: AT,
  num: 7,
  createdByNum: 1,
  counts: { documentCount: 2, annotatedDocumentCount: 1, annotationCount: 1, labelCount: 2 },
};
const DOC: DocumentRef = {
  id: 'doc_sample1',
  num: 41,
  projectId: PROJECT.id,
  key: 'ticket-1042',
  name: 'ticket-1042.txt',
  status: 'active',
  createdAt: '2025-01-10T08:05:00.000Z',
  updatedAt: AT,
  text: 'Ada from Acme called about her order.',
  data: null,
  annotationCount: 1,
};
const DOC2: DocumentRef = { ...DOC, id: 'doc_sample2', num: 42, key: 'ticket-1043', name: 'ticket-1043.txt', text: 'Refund for Globex.', annotationCount: 0 };

/** A document as list events carry it: no content. */
function ref(doc: DocumentRef): DocumentRef {
  const { text: _text, data: _data, annotationCount: _count, ...rest } = doc;
  return rest;
}

function label(id: string, item: string, start: number, end: number, labeledBy: LabelView['labeledBy'] = 'LABELER'): LabelView {
  return {
    id,
    documentId: DOC.id,
    type: 'SPAN',
    startCellIndex: 0,
    startCellLine: 0,
    startTokenIndex: start,
    startCharIndex: 0,
    endCellIndex: 0,
    endCellLine: 0,
    endTokenIndex: end,
    endCharIndex: 5,
    counter: 0,
    layer: 0,
    labeledBy,
    labelSetItemId: item,
    confidenceScore: labeledBy === 'PREDICTION' ? 0.93 : null,
    labeledByUserId: ACTOR.id,
  };
}
const LABEL = label('lbl_sample1', 'per', 0, 1);
const LABEL2 = label('lbl_sample2', 'org', 4, 5);
const ANNOTATION: AnnotationPayload = {
  id: 'ann_sample',
  num: 12,
  memberNum: ACTOR.num,
  documentId: DOC.id,
  projectId: PROJECT.id,
  memberId: ACTOR.id,
  labels: [LABEL, LABEL2],
  createdAt: AT,
  updatedAt: AT,
};

const EXPORT_FILE: EventDataByType['EXPORT_COMPLETED']['export'] = {
  id: 'exp_sample',
  projectId: PROJECT.id,
  format: 'jsonl',
  status: 'reviewed',
  since: null,
  trigger: 'PROJECT_REVIEWED',
  documentCount: 2,
  labelCount: 2,
  byteSize: 1834,
  sha256: 'd2a84f4b8b650937ec8f73cd8be2c74add5a911ba64df27458ed8229da804a26',
  fileName: 'prj_sample.jsonl',
  downloadUrl: 'https://labelhook.example/api/v1/exports/exp_sample/download?expires=1736937000000&sig=sample',
  downloadExpiresAt: '2025-01-15T10:30:00.000Z',
  createdAt: AT,
  completedAt: AT,
};

const DATA: { [T in EventType]: EventDataByType[T] } = {
  PROJECT_CREATED: { project: PROJECT },
  PROJECT_UPDATED: { project: PROJECT, before: { name: 'Support tickets' }, changed: ['name'] },
  PROJECT_DELETED: { project: PROJECT, documentCount: 2 },
  TASKS_CREATED: { documents: [{ ...DOC, annotationCount: 0 }, DOC2], count: 2 },
  TASKS_DELETED: { documents: [ref(DOC2)], count: 1 },
  TASKS_EXCLUDED: { documents: [ref(DOC2)], count: 1 },
  TASKS_UPDATED: { documents: [{ ...DOC, text: 'Ada from Acme called about her second order.' }], before: [{ ...DOC, text: 'Ada from Acme called about her order.' }], count: 1 },
  BEFORE_UPDATE_LABELS: { document: DOC, isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: [LABEL2] } },
  ANNOTATION_CREATED: { annotation: ANNOTATION, document: DOC, isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: [LABEL, LABEL2] } },
  ANNOTATION_UPDATED: {
    annotation: ANNOTATION,
    document: DOC,
    isReviewDocument: false,
    labelUpdateList: { toDeleteList: [], toUpsertList: [LABEL2] },
    before: { labels: [LABEL] },
  },
  ANNOTATIONS_CREATED: {
    annotations: [ANNOTATION, { ...ANNOTATION, id: 'ann_sample2', num: 13, documentId: DOC2.id, labels: [{ ...LABEL2, id: 'lbl_sample3', documentId: DOC2.id }] }],
    documents: [DOC, { ...DOC2, annotationCount: 1 }],
    isReviewDocument: false,
  },
  ANNOTATIONS_DELETED: {
    annotations: [{ id: ANNOTATION.id, num: ANNOTATION.num, documentId: DOC.id, memberId: ACTOR.id, labels: [LABEL, LABEL2] }],
    document: DOC,
    isReviewDocument: false,
    labelUpdateList: { toDeleteList: [LABEL, LABEL2], toUpsertList: [] },
  },
  TASK_COMPLETED: { document: DOC, mode: 'labeler' },
  TASK_REVIEWED: { document: DOC, mode: 'reviewer' },
  PROJECT_COMPLETED: { project: { ...PROJECT, status: 'COMPLETED' }, mode: 'labeler' },
  PROJECT_REVIEWED: { project: { ...PROJECT, status: 'REVIEWED' }, mode: 'reviewer' },
  PING: { message: 'This is a test event from labelhook.', webhookId: 'wh_sample' },
  EXPORT_COMPLETED: { export: EXPORT_FILE },
  EXPORT_FAILED: {
    export: { id: EXPORT_FILE.id, projectId: PROJECT.id, format: 'jsonl', status: 'all', since: null, trigger: 'api', error: 'disk full', attempts: 3, createdAt: AT },
  },
};

/** A sample event of `type`, shaped exactly like a real one (envelope and `data`). */
export function sampleEvent(type: EventType): StoredEvent {
  const projectScoped = type !== 'PING';
  return {
    id: 'evt_sample',
    seq: 1,
    type,
    timestamp: AT,
    team: TEAM,
    project: projectScoped ? PROJECT : null,
    actor: type === 'PING' ? null : type === 'TASK_REVIEWED' || type === 'PROJECT_REVIEWED' ? { ...ACTOR, role: 'reviewer' } : ACTOR,
    data: DATA[type] as unknown as Record<string, unknown>,
  };
}
