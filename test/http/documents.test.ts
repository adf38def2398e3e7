import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/event.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addProject, addTeam, eventsOf } from '../helpers/team-fixtures.js';

describe.each(BACKENDS)('documents API (%s)', (backend) => {
  let t: TestApp;
  let labeler: string;
  let reviewer: string;
  let other: { id: string; apiKey: string };

  beforeAll(async () => {
    t = await createTestApp(backend);
    labeler = await addMember(t.app, t.adminKey, 'labeler');
    reviewer = await addMember(t.app, t.adminKey, 'reviewer');
    other = await addTeam(t.app, t.adminKey);
  });
  afterAll(async () => t.close());

  const post = (url: string, key: string | null, payload: object) =>
    t.app.inject({ method: 'POST', url, headers: key ? bearer(key) : {}, payload });
  const del = (url: string, key: string | null, payload: object) =>
    t.app.inject({ method: 'DELETE', url, headers: key ? bearer(key) : {}, payload });
  const get = (url: string, key: string | null) => t.app.inject({ url, headers: key ? bearer(key) : {} });
  const eventsOfType = async (type: string, projectId: string): Promise<StoredEvent[]> => eventsOf(t.app, t.adminKey, { type, projectId });
  const documentCount = async (projectId: string) =>
    (await t.ctx.store.db.selectFrom('documents').select('id').where('project_id', '=', projectId).execute()).length;

  async function importDocs(projectId: string, documents: object[]): Promise<{ id: string; key: string | null; name: string }[]> {
    const res = await post(`/api/v1/projects/${projectId}/documents`, t.adminKey, { documents });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data;
  }

  describe('POST /projects/{id}/documents (import)', () => {
    it('imports documents, answers 201 with them, starts the project and emits one TASKS_CREATED with their content', async () => {
      const project = await addProject(t.app, t.adminKey);
      expect(project.status).toBe('CREATED');
      const res = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, {
        documents: [{ key: 'r1', name: 'Review 1', text: 'Great phone' }, { key: 'r2', data: { stars: 2, body: 'meh' } }, { text: 'no key' }],
      });
      expect(res.statusCode, res.body).toBe(201);
      const docs = res.json().data;
      expect(docs).toHaveLength(3);
      expect(docs[0]).toMatchObject({ projectId: project.id, key: 'r1', name: 'Review 1', text: 'Great phone', data: null, status: 'active', completions: [] });
      expect(docs[1]).toMatchObject({ key: 'r2', name: 'r2', text: null, data: { stars: 2, body: 'meh' } });
      expect(docs[2]).toMatchObject({ key: null, name: docs[2].id, text: 'no key' });

      const events = await eventsOfType('TASKS_CREATED', project.id);
      expect(events).toHaveLength(1);
      const e = events[0]!;
      expect(e.actor).toMatchObject({ email: 'admin@localhost', role: 'admin' });
      expect(e.project).toMatchObject({ id: project.id, name: 'Reviews', status: 'IN_PROGRESS' });
      expect(e.team.id).toBeTruthy();
      expect(e.data.count).toBe(3);
      expect(e.data.documents).toEqual(
        docs.map((d: Record<string, unknown>) => ({
          id: d.id, num: d.num, projectId: project.id, key: d.key, name: d.name, status: 'active', createdAt: d.createdAt, updatedAt: d.updatedAt, text: d.text, data: d.data,
        })),
      );
      const after = await get(`/api/v1/projects/${project.id}`, t.adminKey);
      expect(after.json().status).toBe('IN_PROGRESS');
    });

    it('refuses a key already in the project (409 duplicate_key), imports nothing and emits nothing', async () => {
      const project = await addProject(t.app, t.adminKey);
      await importDocs(project.id, [{ key: 'a', text: 'x' }]);
      const res = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: [{ key: 'b', text: 'y' }, { key: 'a', text: 'z' }] });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'duplicate_key', details: { keys: ['a'] } });
      expect(await documentCount(project.id)).toBe(1);
      expect(await eventsOfType('TASKS_CREATED', project.id)).toHaveLength(1);
    });

    it('refuses a key repeated within one request (409 duplicate_key)', async () => {
      const project = await addProject(t.app, t.adminKey);
      const res = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: [{ key: 'a' }, { key: 'a' }] });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('duplicate_key');
      expect(await documentCount(project.id)).toBe(0);
      expect(await eventsOfType('TASKS_CREATED', project.id)).toHaveLength(0);
    });

    it('allows the same key in two different projects', async () => {
      const p1 = await addProject(t.app, t.adminKey);
      const p2 = await addProject(t.app, t.adminKey);
      await importDocs(p1.id, [{ key: 'same', text: 'x' }]);
      await importDocs(p2.id, [{ key: 'same', text: 'x' }]);
    });

    it('refuses an empty import and a malformed document with 422, changing nothing', async () => {
      const project = await addProject(t.app, t.adminKey);
      const empty = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: [] });
      expect(empty.statusCode).toBe(422);
      expect(empty.json().error.code).toBe('no_documents');
      const bad = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: [{ text: 42, colour: 'red' }] });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error.code).toBe('validation_failed');
      const missing = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, {});
      expect(missing.statusCode).toBe(422);
      expect(await documentCount(project.id)).toBe(0);
      expect(await eventsOfType('TASKS_CREATED', project.id)).toHaveLength(0);
      expect((await get(`/api/v1/projects/${project.id}`, t.adminKey)).json().status).toBe('CREATED');
    });

    it('refuses more than 100,000 documents with 422 too_many_documents', async () => {
      const project = await addProject(t.app, t.adminKey);
      const res = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: Array.from({ length: 100_001 }, () => ({})) });
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'too_many_documents', details: { count: 100_001, max: 100_000 } });
      expect(await documentCount(project.id)).toBe(0);
    });

    it("answers 404 for another team's project, 403 for labelers and reviewers, 401 without a key", async () => {
      const project = await addProject(t.app, t.adminKey);
      const body = { documents: [{ key: 'a', text: 'x' }] };
      const url = `/api/v1/projects/${project.id}/documents`;
      expect((await post(url, other.apiKey, body)).statusCode).toBe(404);
      expect((await post('/api/v1/projects/prj_nope/documents', t.adminKey, body)).statusCode).toBe(404);
      const forbidden = await post(url, labeler, body);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().error.code).toBe('forbidden');
      expect((await post(url, reviewer, body)).statusCode).toBe(403);
      expect((await post(url, null, body)).statusCode).toBe(401);
      expect(await documentCount(project.id)).toBe(0);
    });
  });

  describe('GET /projects/{id}/documents and GET /documents/{id}', () => {
    it('lists documents in import order with cursor pagination and a status filter', async () => {
      const project = await addProject(t.app, t.adminKey);
      const docs = await importDocs(project.id, Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, text: `t${i}` })));
      const first = await get(`/api/v1/projects/${project.id}/documents?limit=3`, labeler);
      expect(first.statusCode).toBe(200);
      expect(first.json().data.map((d: { key: string }) => d.key)).toEqual(['k0', 'k1', 'k2']);
      const second = await get(`/api/v1/projects/${project.id}/documents?limit=3&cursor=${first.json().nextCursor}`, labeler);
      expect(second.json().data.map((d: { key: string }) => d.key)).toEqual(['k3', 'k4']);
      expect(second.json().nextCursor).toBeNull();

      await post(`/api/v1/projects/${project.id}/documents/exclude`, t.adminKey, { ids: [docs[1]!.id] });
      const excluded = await get(`/api/v1/projects/${project.id}/documents?status=excluded`, reviewer);
      expect(excluded.json().data.map((d: { key: string }) => d.key)).toEqual(['k1']);
      const active = await get(`/api/v1/projects/${project.id}/documents?status=active`, reviewer);
      expect(active.json().data).toHaveLength(4);
    });

    it('refuses a bad filter or cursor (400), another team (404) and no key (401)', async () => {
      const project = await addProject(t.app, t.adminKey);
      const url = `/api/v1/projects/${project.id}/documents`;
      const bad = await get(`${url}?status=deleted`, t.adminKey);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('validation_failed');
      expect((await get(`${url}?cursor=%21%21`, t.adminKey)).json().error.code).toBe('invalid_cursor');
      expect((await get(url, other.apiKey)).statusCode).toBe(404);
      expect((await get(url, null)).statusCode).toBe(401);
    });

    it('reads one document with text, data, status and completion state; 404 for other teams and unknown ids', async () => {
      const project = await addProject(t.app, t.adminKey);
      const [doc] = await importDocs(project.id, [{ key: 'one', text: 'hello', data: { a: [1, 2] } }]);
      await post(`/api/v1/documents/${doc!.id}/complete`, labeler, { mode: 'labeler' });
      const res = await get(`/api/v1/documents/${doc!.id}`, reviewer);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: doc!.id, key: 'one', text: 'hello', data: { a: [1, 2] }, status: 'active' });
      expect(res.json().completions).toEqual([{ memberId: expect.any(String), mode: 'labeler', completedAt: expect.any(String) }]);
      expect((await get(`/api/v1/documents/${doc!.id}`, other.apiKey)).statusCode).toBe(404);
      expect((await get('/api/v1/documents/doc_missing', t.adminKey)).json().error.code).toBe('not_found');
      expect((await get(`/api/v1/documents/${doc!.id}`, null)).statusCode).toBe(401);
    });
  });

  describe('DELETE /projects/{id}/documents', () => {
    it('deletes documents with their labels and emits one TASKS_DELETED carrying ids, keys and names', async () => {
      const project = await addProject(t.app, t.adminKey);
      const docs = await importDocs(project.id, [{ key: 'a', name: 'Doc A', text: 'abc' }, { key: 'b', text: 'def' }, { key: 'c', text: 'ghi' }]);
      const labeled = await post(`/api/v1/documents/${docs[0]!.id}/labels`, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 2 }] });
      expect(labeled.statusCode, labeled.body).toBe(200);
      const res = await del(`/api/v1/projects/${project.id}/documents`, t.adminKey, { ids: [docs[0]!.id, docs[1]!.id] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ deleted: 2, ids: [docs[0]!.id, docs[1]!.id] });
      expect(await documentCount(project.id)).toBe(1);
      expect(await t.ctx.store.db.selectFrom('labels').select('id').where('document_id', '=', docs[0]!.id).execute()).toHaveLength(0);
      expect(await t.ctx.store.db.selectFrom('annotations').select('id').where('document_id', '=', docs[0]!.id).execute()).toHaveLength(0);

      const events = await eventsOfType('TASKS_DELETED', project.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.data.count).toBe(2);
      expect(events[0]!.data.documents).toEqual([
        expect.objectContaining({ id: docs[0]!.id, key: 'a', name: 'Doc A', projectId: project.id }),
        expect.objectContaining({ id: docs[1]!.id, key: 'b', name: 'b' }),
      ]);
      expect(events[0]!.project).toMatchObject({ id: project.id, name: 'Reviews' });
    });

    it('deletes nothing when one id is unknown (404) or the body is invalid (422)', async () => {
      const project = await addProject(t.app, t.adminKey);
      const docs = await importDocs(project.id, [{ key: 'a' }, { key: 'b' }]);
      const res = await del(`/api/v1/projects/${project.id}/documents`, t.adminKey, { ids: [docs[0]!.id, 'doc_unknown'] });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'not_found', details: { id: 'doc_unknown', missing: ['doc_unknown'] } });
      const empty = await del(`/api/v1/projects/${project.id}/documents`, t.adminKey, { ids: [] });
      expect(empty.statusCode).toBe(422);
      expect(empty.json().error.code).toBe('validation_failed');
      expect(await documentCount(project.id)).toBe(2);
      expect(await eventsOfType('TASKS_DELETED', project.id)).toHaveLength(0);
    });

    it("refuses labelers and reviewers (403), another team's project and documents (404), no key (401)", async () => {
      const project = await addProject(t.app, t.adminKey);
      const docs = await importDocs(project.id, [{ key: 'a' }]);
      const url = `/api/v1/projects/${project.id}/documents`;
      expect((await del(url, labeler, { ids: [docs[0]!.id] })).statusCode).toBe(403);
      expect((await del(url, reviewer, { ids: [docs[0]!.id] })).statusCode).toBe(403);
      expect((await del(url, other.apiKey, { ids: [docs[0]!.id] })).statusCode).toBe(404);
      // A document of another project of the same team is not a document of this one.
      const elsewhere = await addProject(t.app, t.adminKey);
      expect((await del(`/api/v1/projects/${elsewhere.id}/documents`, t.adminKey, { ids: [docs[0]!.id] })).statusCode).toBe(404);
      expect((await del(url, null, { ids: [docs[0]!.id] })).statusCode).toBe(401);
      expect(await documentCount(project.id)).toBe(1);
    });
  });

  describe('POST /projects/{id}/documents/exclude', () => {
    it('excludes documents, emits one TASKS_EXCLUDED for those that changed, and excluded documents cannot be labeled or completed', async () => {
      const project = await addProject(t.app, t.adminKey);
      const docs = await importDocs(project.id, [{ key: 'a', text: 'abc' }, { key: 'b', text: 'def' }]);
      const res = await post(`/api/v1/projects/${project.id}/documents/exclude`, t.adminKey, { ids: [docs[0]!.id] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual([expect.objectContaining({ id: docs[0]!.id, status: 'excluded' })]);
      // Excluding it again changes nothing and emits nothing.
      const again = await post(`/api/v1/projects/${project.id}/documents/exclude`, t.adminKey, { ids: [docs[0]!.id] });
      expect(again.statusCode).toBe(200);
      const events = await eventsOfType('TASKS_EXCLUDED', project.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toEqual({ count: 1, documents: [expect.objectContaining({ id: docs[0]!.id, key: 'a', name: 'a', status: 'excluded' })] });

      const label = await post(`/api/v1/documents/${docs[0]!.id}/labels`, labeler, { toUpsertList: [{ labelSetItemId: 'pos' }] });
      expect(label.statusCode).toBe(409);
      expect(label.json().error.code).toBe('document_excluded');
      const complete = await post(`/api/v1/documents/${docs[0]!.id}/complete`, labeler, { mode: 'labeler' });
      expect(complete.statusCode).toBe(409);
      expect(complete.json().error.code).toBe('document_excluded');
    });

    it('refuses unknown ids (404, nothing excluded), an empty list (422), labelers (403), other teams (404), no key (401)', async () => {
      const project = await addProject(t.app, t.adminKey);
      const docs = await importDocs(project.id, [{ key: 'a' }]);
      const url = `/api/v1/projects/${project.id}/documents/exclude`;
      expect((await post(url, t.adminKey, { ids: [docs[0]!.id, 'doc_nope'] })).statusCode).toBe(404);
      expect((await post(url, t.adminKey, { ids: [] })).json().error.code).toBe('validation_failed');
      expect((await post(url, labeler, { ids: [docs[0]!.id] })).statusCode).toBe(403);
      expect((await post(url, other.apiKey, { ids: [docs[0]!.id] })).statusCode).toBe(404);
      expect((await post(url, null, { ids: [docs[0]!.id] })).statusCode).toBe(401);
      expect((await get(`/api/v1/documents/${docs[0]!.id}`, t.adminKey)).json().status).toBe('active');
      expect(await eventsOfType('TASKS_EXCLUDED', project.id)).toHaveLength(0);
    });
  });

  describe('POST /documents/{id}/complete', () => {
    it('records a labeler completion with TASK_COMPLETED and a reviewer one with TASK_REVIEWED, once per member and mode', async () => {
      const project = await addProject(t.app, t.adminKey);
      const [doc] = await importDocs(project.id, [{ key: 'a', text: 'abc' }]);
      const url = `/api/v1/documents/${doc!.id}/complete`;
      const done = await post(url, labeler, { mode: 'labeler' });
      expect(done.statusCode, done.body).toBe(201);
      expect(done.json()).toMatchObject({ documentId: doc!.id, projectId: project.id, mode: 'labeler' });
      const twice = await post(url, labeler, { mode: 'labeler' });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.code).toBe('already_completed');
      const reviewed = await post(url, reviewer, { mode: 'reviewer' });
      expect(reviewed.statusCode).toBe(201);
      expect((await post(url, reviewer, { mode: 'reviewer' })).json().error.code).toBe('already_completed');
      // An admin may review too.
      expect((await post(url, t.adminKey, { mode: 'reviewer' })).statusCode).toBe(201);

      const completed = await eventsOfType('TASK_COMPLETED', project.id);
      expect(completed).toHaveLength(1);
      expect(completed[0]!.data).toEqual({ mode: 'labeler', document: expect.objectContaining({ id: doc!.id, key: 'a', name: 'a', projectId: project.id }) });
      expect(completed[0]!.actor).toMatchObject({ role: 'labeler', id: done.json().memberId });
      const reviewedEvents = await eventsOfType('TASK_REVIEWED', project.id);
      expect(reviewedEvents).toHaveLength(2);
      expect(reviewedEvents[0]!.data).toMatchObject({ mode: 'reviewer', document: { id: doc!.id } });
      expect(reviewedEvents[0]!.actor).toMatchObject({ role: 'reviewer' });
      const view = await get(`/api/v1/documents/${doc!.id}`, t.adminKey);
      expect(view.json().completions.map((c: { mode: string }) => c.mode)).toEqual(['labeler', 'reviewer', 'reviewer']);
    });

    it('refuses a bad mode (422), reviewer mode for a labeler (403), other teams (404), no key (401), and emits nothing', async () => {
      const project = await addProject(t.app, t.adminKey);
      const [doc] = await importDocs(project.id, [{ key: 'a' }]);
      const url = `/api/v1/documents/${doc!.id}/complete`;
      const bad = await post(url, labeler, { mode: 'owner' });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error.code).toBe('validation_failed');
      expect((await post(url, labeler, { mode: 'reviewer' })).statusCode).toBe(403);
      expect((await post(url, other.apiKey, { mode: 'labeler' })).statusCode).toBe(404);
      expect((await post(url, null, { mode: 'labeler' })).statusCode).toBe(401);
      expect(await eventsOfType('TASK_COMPLETED', project.id)).toHaveLength(0);
      expect(await eventsOfType('TASK_REVIEWED', project.id)).toHaveLength(0);
      expect(await t.ctx.store.db.selectFrom('completions').select('id').where('document_id', '=', doc!.id).execute()).toHaveLength(0);
    });
  });
});
