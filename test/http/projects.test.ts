import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addProject, addTeam, eventsOf } from '../helpers/team-fixtures.js';

describe.each(BACKENDS)('projects (%s)', (backend) => {
  let t: TestApp;
  let labelerKey: string;
  let reviewerKey: string;
  let other: { id: string; apiKey: string };
  let me: { member: { id: string; email: string; name: string; role: string }; team: { id: string; name: string } };

  beforeAll(async () => {
    t = await createTestApp(backend);
    labelerKey = await addMember(t.app, t.adminKey, 'labeler');
    reviewerKey = await addMember(t.app, t.adminKey, 'reviewer');
    other = await addTeam(t.app, t.adminKey);
    me = (await t.app.inject({ url: '/api/v1/me', headers: bearer(t.adminKey) })).json();
  });
  afterAll(async () => t.close());

  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string | null, payload?: unknown) =>
    t.app.inject({ method, url, headers: key ? bearer(key) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });

  /** Puts a document with one label using `itemId` into a project, as an import and a label save would. */
  async function seedLabel(projectId: string, itemId: string): Promise<void> {
    const now = Date.now();
    const documentId = newId('doc', now);
    const annotationId = newId('ann', now);
    const db = t.ctx.store.db;
    await db
      .insertInto('documents')
      .values({ id: documentId, team_id: me.team.id, project_id: projectId, key: null, name: 'd', text: 'good film', data: null, status: 'active', created_at: now, updated_at: now })
      .execute();
    await db
      .insertInto('annotations')
      .values({ id: annotationId, team_id: me.team.id, project_id: projectId, document_id: documentId, member_id: me.member.id, created_at: now, updated_at: now })
      .execute();
    await db
      .insertInto('labels')
      .values({
        id: newId('lbl', now), team_id: me.team.id, project_id: projectId, document_id: documentId, annotation_id: annotationId, type: 'SPAN',
        start_cell_index: 0, start_cell_line: 0, start_token_index: 0, start_char_index: 0, end_cell_index: 0, end_cell_line: 0,
        end_token_index: 0, end_char_index: 4, counter: 0, layer: 0, labeled_by: 'LABELER', label_set_item_id: itemId,
        confidence_score: null, labeled_by_user_id: me.member.id, created_at: now, updated_at: now,
      })
      .execute();
  }

  const projectCount = async () => (await t.ctx.store.db.selectFrom('projects').select('id').execute()).length;

  describe('POST /projects', () => {
    it('creates a project in status CREATED and emits PROJECT_CREATED once with team, project and actor', async () => {
      const res = await req('POST', '/api/v1/projects', t.adminKey, {
        name: ' Sentiment ',
        tags: ['nlp', 'nlp', 'en'],
        labelSet: [{ id: 'pos', label: 'Positive', color: '#0f0' }, { id: 'neg', label: 'Negative' }],
      });
      expect(res.statusCode).toBe(201);
      const p = res.json();
      expect(p).toMatchObject({
        name: 'Sentiment',
        tags: ['nlp', 'en'],
        status: 'CREATED',
        labelSet: [{ id: 'pos', label: 'Positive', color: '#0f0' }, { id: 'neg', label: 'Negative', color: null }],
        documentCount: 0,
        labelCount: 0,
      });
      expect(p.id).toMatch(/^prj_/);
      const events = await eventsOf(t.app, t.adminKey, { projectId: p.id });
      expect(events).toHaveLength(1);
      const { documentCount: _d, labelCount: _l, ...ref } = p;
      expect(events[0]).toMatchObject({
        type: 'PROJECT_CREATED',
        team: me.team,
        project: ref,
        actor: { id: me.member.id, email: me.member.email, name: me.member.name, role: 'admin' },
        data: { project: ref },
      });
    });

    it('refuses invalid content with a clear code and creates nothing, emitting nothing', async () => {
      const projects = await projectCount();
      const events = (await eventsOf(t.app, t.adminKey)).length;
      const cases: [unknown, string][] = [
        [{}, 'validation_failed'],
        [{ name: '   ' }, 'name_required'],
        [{ name: 'x', labelSet: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] }, 'label_set_invalid'],
        [{ name: 'x', labelSet: [{ id: 'a', label: '  ' }] }, 'label_set_invalid'],
        [{ name: 'x', labelSet: [{ id: 'a' }] }, 'validation_failed'],
        [{ name: 'x', tags: [''] }, 'validation_failed'],
        [{ name: 'x', extra: 1 }, 'validation_failed'],
      ];
      for (const [body, code] of cases) {
        const res = await req('POST', '/api/v1/projects', t.adminKey, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(422);
        expect(res.json().error.code, JSON.stringify(body)).toBe(code);
      }
      const dup = await req('POST', '/api/v1/projects', t.adminKey, { name: 'x', labelSet: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] });
      expect(dup.json().error.details.problems).toEqual([{ index: 1, field: 'id', message: 'duplicates the id "a" of item 0' }]);
      expect(await projectCount()).toBe(projects);
      expect((await eventsOf(t.app, t.adminKey)).length).toBe(events);
    });

    it('refuses labelers and reviewers (403) and requests without a key (401)', async () => {
      expect((await req('POST', '/api/v1/projects', labelerKey, { name: 'x' })).statusCode).toBe(403);
      expect((await req('POST', '/api/v1/projects', reviewerKey, { name: 'x' })).statusCode).toBe(403);
      expect((await req('POST', '/api/v1/projects', null, { name: 'x' })).statusCode).toBe(401);
    });
  });

  describe('GET /projects and /projects/{id}', () => {
    it("lists the team's projects with document and label counts, paginated, and never another team's", async () => {
      const team = await addTeam(t.app, t.adminKey, 'Counting');
      const a = await addProject(t.app, team.apiKey, { name: 'A' });
      const b = await addProject(t.app, team.apiKey, { name: 'B' });
      await addProject(t.app, t.adminKey, { name: 'Not theirs' });
      const teamMe = (await t.app.inject({ url: '/api/v1/me', headers: bearer(team.apiKey) })).json();
      const now = Date.now();
      await t.ctx.store.db
        .insertInto('documents')
        .values([0, 1, 2].map((i) => ({ id: newId('doc', now), team_id: teamMe.team.id, project_id: b.id, key: `k${i}`, name: `d${i}`, text: 't', data: null, status: 'active' as const, created_at: now, updated_at: now })))
        .execute();
      const first = await req('GET', '/api/v1/projects?limit=1', team.apiKey);
      expect(first.statusCode).toBe(200);
      expect(first.json().data).toHaveLength(1);
      const second = await req('GET', `/api/v1/projects?limit=1&cursor=${first.json().nextCursor}`, team.apiKey);
      expect(second.json().nextCursor).toBeNull();
      const listed = [...first.json().data, ...second.json().data];
      expect(listed.map((p: { id: string }) => p.id).sort()).toEqual([a.id, b.id].sort());
      expect(listed.find((p: { id: string }) => p.id === b.id)).toMatchObject({ documentCount: 3, labelCount: 0 });
    });

    it('lets every role read a project and counts its labels', async () => {
      const p = await addProject(t.app, t.adminKey);
      await seedLabel(p.id, 'pos');
      for (const key of [t.adminKey, labelerKey, reviewerKey]) {
        const res = await req('GET', `/api/v1/projects/${p.id}`, key);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ id: p.id, documentCount: 1, labelCount: 1 });
      }
    });

    it("answers 404 for another team's project or an unknown id, 400 for a bad cursor, 401 without a key", async () => {
      const p = await addProject(t.app, t.adminKey);
      const res = await req('GET', `/api/v1/projects/${p.id}`, other.apiKey);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      expect((await req('GET', '/api/v1/projects/prj_nope', t.adminKey)).statusCode).toBe(404);
      expect((await req('GET', '/api/v1/projects?cursor=!!', t.adminKey)).statusCode).toBe(400);
      expect((await req('GET', `/api/v1/projects/${p.id}`, null)).statusCode).toBe(401);
      expect((await req('GET', '/api/v1/projects', null)).statusCode).toBe(401);
    });
  });

  describe('PATCH /projects/{id}', () => {
    it('emits PROJECT_UPDATED once with the before values and names of the changed fields only', async () => {
      const p = await addProject(t.app, t.adminKey, { name: 'Old', tags: ['a'] });
      const res = await req('PATCH', `/api/v1/projects/${p.id}`, t.adminKey, {
        name: 'New',
        tags: ['a'],
        labelSet: [{ id: 'pos', label: 'Positive' }, { id: 'neg', label: 'Negative' }, { id: 'neu', label: 'Neutral', color: 'gray' }],
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'New', tags: ['a'], labelSet: [{ id: 'pos' }, { id: 'neg' }, { id: 'neu', color: 'gray' }] });
      const updates = await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_UPDATED' });
      expect(updates).toHaveLength(1);
      expect(updates[0]!.data).toEqual({
        project: expect.objectContaining({ id: p.id, name: 'New' }),
        before: { name: 'Old', labelSet: p.labelSet },
        changed: ['name', 'labelSet'],
      });
      expect(updates[0]!.actor).toMatchObject({ id: me.member.id });
    });

    it('writes nothing and emits nothing when the patch changes nothing', async () => {
      const p = await addProject(t.app, t.adminKey, { name: 'Same', tags: ['x'] });
      const res = await req('PATCH', `/api/v1/projects/${p.id}`, t.adminKey, { name: 'Same', tags: ['x'], labelSet: p.labelSet });
      expect(res.statusCode).toBe(200);
      expect(res.json().updatedAt).toBe(p.updatedAt);
      expect(await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_UPDATED' })).toHaveLength(0);
    });

    it('refuses an empty body or an invalid label set (422) and changes nothing', async () => {
      const p = await addProject(t.app, t.adminKey);
      const empty = await req('PATCH', `/api/v1/projects/${p.id}`, t.adminKey, {});
      expect(empty.statusCode).toBe(422);
      expect(empty.json().error.code).toBe('validation_failed');
      const dup = await req('PATCH', `/api/v1/projects/${p.id}`, t.adminKey, { name: 'Changed', labelSet: [{ id: 'a', label: 'A' }, { id: 'a', label: 'A' }] });
      expect(dup.statusCode).toBe(422);
      expect(dup.json().error.code).toBe('label_set_invalid');
      expect((await req('GET', `/api/v1/projects/${p.id}`, t.adminKey)).json()).toMatchObject({ name: p.name, labelSet: p.labelSet });
      expect(await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_UPDATED' })).toHaveLength(0);
    });

    it('refuses to remove a label set item that labels use (409) but lets an unused one go', async () => {
      const p = await addProject(t.app, t.adminKey);
      await seedLabel(p.id, 'pos');
      const res = await req('PATCH', `/api/v1/projects/${p.id}`, t.adminKey, { name: 'Renamed', labelSet: [{ id: 'neg', label: 'Negative' }] });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'label_set_item_in_use', details: { items: [{ id: 'pos', labelCount: 1 }] } });
      expect((await req('GET', `/api/v1/projects/${p.id}`, t.adminKey)).json()).toMatchObject({ name: p.name, labelSet: p.labelSet });
      expect(await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_UPDATED' })).toHaveLength(0);
      const ok = await req('PATCH', `/api/v1/projects/${p.id}`, t.adminKey, { labelSet: [{ id: 'pos', label: 'Good' }] });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().labelSet).toEqual([{ id: 'pos', label: 'Good', color: null }]);
      // The answer counts the project's documents and labels, as a GET does.
      expect(ok.json()).toMatchObject({ documentCount: 1, labelCount: 1 });
    });

    it("answers 404 for another team's project, 403 for labelers and reviewers, 401 without a key", async () => {
      const p = await addProject(t.app, t.adminKey);
      expect((await req('PATCH', `/api/v1/projects/${p.id}`, other.apiKey, { name: 'hijack' })).statusCode).toBe(404);
      expect((await req('PATCH', `/api/v1/projects/${p.id}`, labelerKey, { name: 'x' })).statusCode).toBe(403);
      expect((await req('PATCH', `/api/v1/projects/${p.id}`, reviewerKey, { name: 'x' })).statusCode).toBe(403);
      expect((await req('PATCH', `/api/v1/projects/${p.id}`, null, { name: 'x' })).statusCode).toBe(401);
      expect((await req('GET', `/api/v1/projects/${p.id}`, t.adminKey)).json().name).toBe(p.name);
    });
  });

  describe('DELETE /projects/{id}', () => {
    it('deletes the project with its documents and labels and emits PROJECT_DELETED with the full project and documentCount', async () => {
      const p = await addProject(t.app, t.adminKey, { tags: ['gone'] });
      await seedLabel(p.id, 'pos');
      await seedLabel(p.id, 'neg');
      const res = await req('DELETE', `/api/v1/projects/${p.id}`, t.adminKey);
      expect(res.statusCode).toBe(204);
      expect((await req('GET', `/api/v1/projects/${p.id}`, t.adminKey)).statusCode).toBe(404);
      const db = t.ctx.store.db;
      expect(await db.selectFrom('documents').select('id').where('project_id', '=', p.id).execute()).toHaveLength(0);
      expect(await db.selectFrom('labels').select('id').where('project_id', '=', p.id).execute()).toHaveLength(0);
      const deleted = await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_DELETED' });
      expect(deleted).toHaveLength(1);
      const { documentCount: _d, labelCount: _l, ...ref } = p;
      expect(deleted[0]).toMatchObject({ project: ref, data: { project: ref, documentCount: 2 }, actor: { id: me.member.id } });
    });

    it("answers 403 for a labeler, 404 for another team's project, 401 without a key, and keeps the project", async () => {
      const p = await addProject(t.app, t.adminKey);
      const labeler = await req('DELETE', `/api/v1/projects/${p.id}`, labelerKey);
      expect(labeler.statusCode).toBe(403);
      expect(labeler.json().error.code).toBe('forbidden');
      expect((await req('DELETE', `/api/v1/projects/${p.id}`, other.apiKey)).statusCode).toBe(404);
      expect((await req('DELETE', `/api/v1/projects/${p.id}`, null)).statusCode).toBe(401);
      expect((await req('GET', `/api/v1/projects/${p.id}`, t.adminKey)).statusCode).toBe(200);
      expect(await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_DELETED' })).toHaveLength(0);
    });
  });

  it('lists the project routes in /openapi.json', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths['/api/v1/projects/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/api/v1/projects'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/api/v1/projects/{id}/complete'].post).toBeDefined();
  });
});
