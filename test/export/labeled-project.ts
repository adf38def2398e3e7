import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { LabelView } from '../../src/events/event.js';
import { bearer } from '../helpers/app.js';
import { addMember } from '../helpers/team-fixtures.js';

/** A project with span, row and document labels from a labeler and a reviewer, and the API's view of its labels. */
export interface LabeledProject {
  projectId: string;
  labelerKey: string;
  reviewerKey: string;
  /** Document ids: a text with spans, a data row with row labels, an unlabeled text. */
  docs: { text: string; row: string; plain: string };
  /** Every label of each document as GET /documents/{id}/labels answers it. */
  labels: Map<string, LabelView[]>;
}

export const TEXT = 'Ada Lovelace works at Acme, Inc.\nShe codes.';

export const LABEL_SET = [
  { id: 'per', label: 'Person' },
  { id: 'org', label: 'Org Name' },
  { id: 'pos', label: 'Positive' },
  { id: 'neg', label: 'Negative' },
];

/** Calls the API as `key`; expects `status`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely in tests
export async function call(app: FastifyInstance, key: string, method: string, url: string, payload: object | undefined, status: number): Promise<any> {
  const res = await app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: bearer(key), ...(payload ? { payload } : {}) });
  expect(res.statusCode, res.body).toBe(status);
  return res.body ? res.json() : null;
}

/** Builds the labeled project through the API. */
export async function buildLabeledProject(app: FastifyInstance, adminKey: string, name = 'Export me'): Promise<LabeledProject> {
  const labelerKey = await addMember(app, adminKey, 'labeler');
  const reviewerKey = await addMember(app, adminKey, 'reviewer');
  const project = await call(app, adminKey, 'POST', '/projects', { name, labelSet: LABEL_SET }, 201);
  const imported = await call(
    app,
    adminKey,
    'POST',
    `/projects/${project.id}/documents`,
    { documents: [{ key: 'text-1', text: TEXT }, { key: 'row-1', data: { stars: 2, body: 'meh' } }, { key: 'plain-1', text: 'Nothing here.' }] },
    201,
  );
  const [text, row, plain] = (imported.data as { id: string }[]).map((d) => d.id) as [string, string, string];
  const label = (key: string, doc: string, mode: string, toUpsertList: object[]) => call(app, key, 'POST', `/documents/${doc}/labels`, { toUpsertList, toDeleteList: [], mode }, 200);
  await label(labelerKey, text, 'labeler', [
    { labelSetItemId: 'per', startCharIndex: 0, endCharIndex: 12 },
    { labelSetItemId: 'org', startCharIndex: 22, endCharIndex: 32 },
    { labelSetItemId: 'pos', type: 'DOCUMENT', labeledBy: 'PREDICTION', confidenceScore: 0.9 },
  ]);
  await label(reviewerKey, text, 'reviewer', [
    { labelSetItemId: 'per', startCharIndex: 0, endCharIndex: 3 },
    { labelSetItemId: 'pos', type: 'DOCUMENT' },
  ]);
  await label(labelerKey, row, 'labeler', [
    { labelSetItemId: 'neg', type: 'ROW', startCellIndex: 1, endCellIndex: 1 },
    { labelSetItemId: 'neg', type: 'DOCUMENT' },
  ]);
  await label(reviewerKey, row, 'reviewer', [{ labelSetItemId: 'pos', type: 'ROW', startCellIndex: 1, endCellIndex: 1 }]);
  await call(app, labelerKey, 'POST', `/documents/${text}/complete`, { mode: 'labeler' }, 201);
  await call(app, reviewerKey, 'POST', `/documents/${text}/complete`, { mode: 'reviewer' }, 201);
  await call(app, labelerKey, 'POST', `/documents/${row}/complete`, { mode: 'labeler' }, 201);
  const labels = new Map<string, LabelView[]>();
  for (const id of [text, row, plain]) labels.set(id, (await call(app, adminKey, 'GET', `/documents/${id}/labels`, undefined, 200)).data);
  return { projectId: project.id, labelerKey, reviewerKey, docs: { text, row, plain }, labels };
}

/** The LabelView fields of an exported label (the export adds name, annotation and times). */
export function asLabelView(l: Record<string, unknown>): LabelView {
  const { label: _name, annotationId: _a, createdAt: _c, updatedAt: _u, ...view } = l;
  return view as unknown as LabelView;
}

export const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
