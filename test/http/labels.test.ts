import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LabelView, StoredEvent } from '../../src/events/event.js';
import type { GateVerdict } from '../../src/events/label-gate.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addProject, addTeam, eventsOf } from '../helpers/team-fixtures.js';

const LABEL_EVENTS = ['BEFORE_UPDATE_LABELS', 'ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED'];

describe.each(BACKENDS)('labels API (%s)', (backend) => {
  let t: TestApp;
  let labeler: string;
  let labeler2: string;
  let reviewer: string;
  let other: { id: string; apiKey: string };
  let gate: (event: StoredEvent) => Promise<GateVerdict>;
  const gated: StoredEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp(backend, {}, { labelGate: { check: (event) => gate(event) } });
    labeler = await addMember(t.app, t.adminKey, 'labeler');
    labeler2 = await addMember(t.app, t.adminKey, 'labeler');
    reviewer = await addMember(t.app, t.adminKey, 'reviewer');
    other = await addTeam(t.app, t.adminKey);
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    gated.length = 0;
    gate = async (event) => {
      gated.push(event);
      return { allow: true };
    };
  });

  const post = (url: string, key: string | null, payload: object) => t.app.inject({ method: 'POST', url, headers: key ? bearer(key) : {}, payload });
  const get = (url: string, key: string | null) => t.app.inject({ url, headers: key ? bearer(key) : {} });
  const labelEvents = async (projectId: string): Promise<StoredEvent[]> =>
    (await eventsOf(t.app, t.adminKey, { projectId })).filter((e) => LABEL_EVENTS.includes(e.type));

  /** A project with documents `text` (a SPAN-able text) and `table` (data only), and the labels URL of each. */
  async function setup(): Promise<{ projectId: string; doc: string; tableDoc: string; url: string }> {
    const project = await addProject(t.app, t.adminKey);
    const res = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, {
      documents: [{ key: 'text', text: 'The phone is great' }, { key: 'table', data: { cells: ['a', 'b'] } }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const [doc, tableDoc] = res.json().data as { id: string }[];
    return { projectId: project.id, doc: doc!.id, tableDoc: tableDoc!.id, url: `/api/v1/documents/${doc!.id}/labels` };
  }

  async function label(url: string, key: string, body: object): Promise<LabelView[]> {
    const res = await post(url, key, body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  }

  describe('POST /documents/{id}/labels', () => {
    it('creates a label with every Datasaur field filled, emits BEFORE_UPDATE_LABELS then ANNOTATION_CREATED, and answers the labels on the document', async () => {
      const { projectId, doc, url } = await setup();
      const labels = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: 4, endCharIndex: 9 }] });
      expect(labels).toHaveLength(1);
      const l = labels[0]!;
      expect(l).toEqual({
        id: expect.stringMatching(/^lbl_/),
        documentId: doc,
        type: 'SPAN',
        startCellIndex: 0,
        startCellLine: 0,
        startTokenIndex: 0,
        startCharIndex: 4,
        endCellIndex: 0,
        endCellLine: 0,
        endTokenIndex: 0,
        endCharIndex: 9,
        counter: 0,
        layer: 0,
        labeledBy: 'LABELER',
        labelSetItemId: 'pos',
        confidenceScore: null,
        labeledByUserId: expect.stringMatching(/^mem_/),
      });

      const events = await labelEvents(projectId);
      expect(events.map((e) => e.type)).toEqual(['BEFORE_UPDATE_LABELS', 'ANNOTATION_CREATED']);
      const [before, created] = events as [StoredEvent, StoredEvent];
      expect(before.data).toEqual({
        document: expect.objectContaining({ id: doc, key: 'text', projectId }),
        isReviewDocument: false,
        labelUpdateList: { toDeleteList: [], toUpsertList: [l] },
      });
      expect(before.actor).toMatchObject({ id: l.labeledByUserId, role: 'labeler' });
      expect(created.data).toMatchObject({
        annotation: { documentId: doc, projectId, memberId: l.labeledByUserId, labels: [l] },
        document: { id: doc },
        isReviewDocument: false,
        labelUpdateList: { toDeleteList: [], toUpsertList: [l] },
      });
      expect(created.project).toMatchObject({ id: projectId, status: 'IN_PROGRESS' });

      // The gate saw exactly the event that was stored, same id, same data.
      expect(gated).toHaveLength(1);
      expect(gated[0]!.id).toBe(before.id);
      expect(gated[0]!.data).toEqual(before.data);
      expect(gated[0]!.project).toEqual(before.project);
    });

    it('updates a label by id (absent fields keep their value) with ANNOTATION_UPDATED carrying the labels before', async () => {
      const { projectId, url } = await setup();
      const [first] = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 3 }] });
      const after = await label(url, labeler, {
        toUpsertList: [{ id: first!.id, labelSetItemId: 'neg', confidenceScore: 0.5 }, { labelSetItemId: 'pos', type: 'DOCUMENT' }],
      });
      expect(after).toHaveLength(2);
      const updated = after.find((l) => l.id === first!.id)!;
      expect(updated).toMatchObject({ labelSetItemId: 'neg', startCharIndex: 0, endCharIndex: 3, confidenceScore: 0.5 });
      const added = after.find((l) => l.id !== first!.id)!;
      expect(added).toMatchObject({ type: 'DOCUMENT', labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 0 });

      const events = await labelEvents(projectId);
      expect(events.map((e) => e.type)).toEqual(['BEFORE_UPDATE_LABELS', 'ANNOTATION_CREATED', 'BEFORE_UPDATE_LABELS', 'ANNOTATION_UPDATED']);
      const upd = events[3]!;
      expect(upd.data.before).toEqual({ labels: [first] });
      expect((upd.data.annotation as { labels: LabelView[] }).labels).toEqual(after);
      expect((upd.data.annotation as { id: string }).id).toBe((events[1]!.data.annotation as { id: string }).id);
      expect(upd.data.labelUpdateList).toEqual({ toDeleteList: [], toUpsertList: [updated, added] });
    });

    it("deleting a member's last label deletes the annotation with ANNOTATIONS_DELETED carrying its id and labels", async () => {
      const { projectId, doc, url } = await setup();
      const [l] = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      const annotationId = (await t.ctx.store.db.selectFrom('annotations').select('id').where('document_id', '=', doc).executeTakeFirstOrThrow()).id;
      expect(await label(url, labeler, { toDeleteList: [{ id: l!.id }] })).toEqual([]);
      expect(await t.ctx.store.db.selectFrom('annotations').select('id').where('document_id', '=', doc).execute()).toHaveLength(0);

      const events = await labelEvents(projectId);
      expect(events.map((e) => e.type)).toEqual(['BEFORE_UPDATE_LABELS', 'ANNOTATION_CREATED', 'BEFORE_UPDATE_LABELS', 'ANNOTATIONS_DELETED']);
      expect(events[2]!.data.labelUpdateList).toEqual({ toDeleteList: [l], toUpsertList: [] });
      expect(events[3]!.data).toMatchObject({
        annotations: [{ id: annotationId, documentId: doc, memberId: l!.labeledByUserId, labels: [l] }],
        document: { id: doc, key: 'text' },
        labelUpdateList: { toDeleteList: [l], toUpsertList: [] },
      });
    });

    it("keeps one annotation per member; a reviewer may delete a labeler's labels, which updates or deletes that labeler's annotation", async () => {
      const { projectId, doc, url } = await setup();
      const [a] = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      const [, b] = await label(url, labeler2, { toUpsertList: [{ labelSetItemId: 'neg', endCharIndex: 5 }] });
      const all = await get(url, reviewer);
      expect(all.json().data.map((x: LabelView) => x.id)).toEqual([a!.id, b!.id]);
      expect(await t.ctx.store.db.selectFrom('annotations').select('member_id').where('document_id', '=', doc).execute()).toHaveLength(2);

      const now = await label(url, reviewer, { mode: 'reviewer', toDeleteList: [{ id: a!.id }], toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 18 }] });
      expect(now.map((x) => x.labelSetItemId)).toEqual(['neg', 'pos']);
      expect(now[1]).toMatchObject({ labeledBy: 'REVIEWER', endCharIndex: 18 });

      const events = (await labelEvents(projectId)).slice(4);
      expect(events.map((e) => e.type)).toEqual(['BEFORE_UPDATE_LABELS', 'ANNOTATION_CREATED', 'ANNOTATIONS_DELETED']);
      expect(events[0]!.data.isReviewDocument).toBe(true);
      expect(events[1]!.data).toMatchObject({ annotation: { memberId: now[1]!.labeledByUserId, labels: [now[1]] }, isReviewDocument: true });
      expect(events[2]!.data).toMatchObject({ annotations: [{ memberId: a!.labeledByUserId, labels: [a] }] });
      expect(events[2]!.actor).toMatchObject({ role: 'reviewer' });
    });

    it("refuses a labeler who changes or deletes another member's label (403) and a labeler in reviewer mode (403)", async () => {
      const { projectId, url } = await setup();
      const [a] = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      const countBefore = (await labelEvents(projectId)).length;
      const del = await post(url, labeler2, { toDeleteList: [{ id: a!.id }] });
      expect(del.statusCode).toBe(403);
      expect(del.json().error.code).toBe('forbidden');
      expect((await post(url, labeler2, { toUpsertList: [{ id: a!.id, labelSetItemId: 'neg' }] })).statusCode).toBe(403);
      const asReviewer = await post(url, labeler, { mode: 'reviewer', toUpsertList: [{ labelSetItemId: 'pos' }] });
      expect(asReviewer.statusCode).toBe(403);
      expect((await labelEvents(projectId)).length).toBe(countBefore);
      expect((await get(url, labeler)).json().data).toEqual([a]);
    });

    it.each([
      ['an unknown label set item', { toUpsertList: [{ labelSetItemId: 'maybe', endCharIndex: 2 }] }, 'unknown_label_set_item'],
      ['a label without labelSetItemId', { toUpsertList: [{ endCharIndex: 2 }] }, 'label_set_item_required'],
      ['an end offset past the text', { toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: 2, endCharIndex: 19 }] }, 'offsets_out_of_range'],
      ['a start after the end', { toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: 5, endCharIndex: 2 }] }, 'offsets_out_of_range'],
      ['a negative offset', { toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: -1 }] }, 'validation_failed'],
      ['a fractional offset', { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 1.5 }] }, 'validation_failed'],
      ['an unknown label type', { toUpsertList: [{ labelSetItemId: 'pos', type: 'BOX' }] }, 'validation_failed'],
      ['an unknown field', { toUpsertList: [{ labelSetItemId: 'pos', colour: 'red' }] }, 'validation_failed'],
      ['an unknown id to delete', { toDeleteList: [{ id: 'lbl_nope' }] }, 'label_not_found'],
      ['an unknown id to update', { toUpsertList: [{ id: 'lbl_nope', labelSetItemId: 'pos' }] }, 'label_not_found'],
      ['an empty update', { toUpsertList: [], toDeleteList: [] }, 'empty_label_update'],
      ['REVIEWER labels in labeler mode', { toUpsertList: [{ labelSetItemId: 'pos', labeledBy: 'REVIEWER' }] }, 'labeled_by_mismatch'],
    ])('refuses %s with 422 and a clear code, changing and emitting nothing', async (_name, body, code) => {
      const { projectId, url } = await setup();
      const [kept] = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      const eventsBefore = await labelEvents(projectId);
      gated.length = 0;
      const res = await post(url, labeler, body);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe(code);
      expect(gated).toHaveLength(0);
      expect(await labelEvents(projectId)).toEqual(eventsBefore);
      expect((await get(url, labeler)).json().data).toEqual([kept]);
    });

    it('refuses a SPAN label on a document without text (422 span_needs_text) but accepts a ROW label there', async () => {
      const { tableDoc } = await setup();
      const url = `/api/v1/documents/${tableDoc}/labels`;
      const span = await post(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos' }] });
      expect(span.statusCode).toBe(422);
      expect(span.json().error.code).toBe('span_needs_text');
      const row = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', type: 'ROW', startCellIndex: 1, endCellIndex: 1 }] });
      expect(row[0]).toMatchObject({ type: 'ROW', startCellIndex: 1, endCellIndex: 1 });
    });

    it('refuses the same label id twice in one update (422 duplicate_label_id)', async () => {
      const { url } = await setup();
      const [a] = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      const res = await post(url, labeler, { toDeleteList: [{ id: a!.id }], toUpsertList: [{ id: a!.id, labelSetItemId: 'neg' }] });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('duplicate_label_id');
    });

    it("answers 404 for another team's document and 401 without a key", async () => {
      const { url } = await setup();
      const body = { toUpsertList: [{ labelSetItemId: 'pos' }] };
      expect((await post(url, other.apiKey, body)).statusCode).toBe(404);
      expect((await post('/api/v1/documents/doc_nope/labels', labeler, body)).statusCode).toBe(404);
      expect((await post(url, null, body)).statusCode).toBe(401);
      expect((await get(url, labeler)).json().data).toEqual([]);
    });
  });

  describe('the label gate', () => {
    it('a veto answers 409 gate_rejected with the reason and stores no label and no event', async () => {
      const { projectId, url } = await setup();
      gate = async (event) => {
        gated.push(event);
        return { allow: false, reason: 'labels must be reviewed by the QA bot', webhookId: 'wh_qa' };
      };
      const res = await post(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({
        code: 'gate_rejected',
        message: expect.stringContaining('labels must be reviewed by the QA bot'),
        details: { reason: 'labels must be reviewed by the QA bot', webhookId: 'wh_qa', eventId: gated[0]!.id },
      });
      expect(gated).toHaveLength(1);
      expect(gated[0]!.type).toBe('BEFORE_UPDATE_LABELS');
      expect((await get(url, labeler)).json().data).toEqual([]);
      expect(await labelEvents(projectId)).toEqual([]);
    });

    it('is consulted with no transaction open: the gate can read and write the database while it decides', async () => {
      const { doc, url } = await setup();
      gate = async (event) => {
        gated.push(event);
        // A write to the same document from inside the gate: it would wait forever if the update held a write transaction.
        const done = await post(`/api/v1/documents/${doc}/complete`, reviewer, { mode: 'reviewer' });
        expect(done.statusCode).toBe(201);
        const seen = await get(url, reviewer);
        expect(seen.json().data).toEqual([]);
        return { allow: true };
      };
      const labels = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      expect(labels).toHaveLength(1);
    });

    it('an update whose labels changed while it was gated is refused (409 labels_changed), never applied differently from what the gate saw', async () => {
      const { projectId, url } = await setup();
      const [a] = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      gate = async (event) => {
        gated.push(event);
        // Another change lands meanwhile: the label being updated is deleted.
        await t.ctx.store.db.deleteFrom('labels').where('id', '=', a!.id).execute();
        return { allow: true };
      };
      const before = await labelEvents(projectId);
      const res = await post(url, labeler, { toUpsertList: [{ id: a!.id, labelSetItemId: 'neg' }] });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('label_not_found');
      expect(await labelEvents(projectId)).toEqual(before);

      const [b] = await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      gate = async () => {
        await t.ctx.store.db.updateTable('labels').set({ end_char_index: 5 }).where('id', '=', b!.id).execute();
        return { allow: true };
      };
      const changed = await post(url, labeler, { toDeleteList: [{ id: b!.id }] });
      expect(changed.statusCode).toBe(409);
      expect(changed.json().error.code).toBe('labels_changed');
      expect((await get(url, labeler)).json().data).toMatchObject([{ id: b!.id, endCharIndex: 5 }]);
    });
  });

  describe('GET /documents/{id}/labels', () => {
    it("answers all members' labels; 404 for another team, 401 without a key", async () => {
      const { url } = await setup();
      await label(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 3 }] });
      await label(url, reviewer, { mode: 'reviewer', toUpsertList: [{ labelSetItemId: 'neg', endCharIndex: 4 }] });
      const res = await get(url, labeler2);
      expect(res.statusCode).toBe(200);
      expect(res.json().data.map((l: LabelView) => [l.labelSetItemId, l.labeledBy])).toEqual([
        ['pos', 'LABELER'],
        ['neg', 'REVIEWER'],
      ]);
      expect((await get(url, other.apiKey)).statusCode).toBe(404);
      expect((await get('/api/v1/documents/doc_nope/labels', labeler)).json().error.code).toBe('not_found');
      expect((await get(url, null)).statusCode).toBe(401);
    });
  });
});
