import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addProject } from '../helpers/team-fixtures.js';

// The fault: a database trigger that raises when one event type is inserted into the outbox. The change before it
// succeeds inside the same transaction, so the outbox promise (docs/architecture.md) is that the change rolls back with it.
describe.each(BACKENDS)('document and label changes commit together with their events (%s)', (backend) => {
  let t: TestApp;
  let labeler: string;
  let committed = 0;

  beforeAll(async () => {
    t = await createTestApp(backend);
    t.ctx.commitSignal.on('eventsCommitted', () => void (committed += 1));
    labeler = await addMember(t.app, t.adminKey, 'labeler');
  });
  afterAll(async () => t.close());
  afterEach(async () => {
    if (backend === 'sqlite') await sql`drop trigger if exists lh_fail_events`.execute(t.ctx.store.db);
    else await sql`drop trigger if exists lh_fail_events on events`.execute(t.ctx.store.db);
  });

  async function failEventsOf(type: string): Promise<void> {
    const db = t.ctx.store.db;
    if (backend === 'sqlite') {
      await sql`create trigger lh_fail_events before insert on events when new.type = ${sql.lit(type)} begin select raise(abort, 'injected fault'); end`.execute(db);
    } else {
      await sql`create or replace function lh_fail_events() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`.execute(db);
      await sql`create trigger lh_fail_events before insert on events for each row when (new.type = ${sql.lit(type)}) execute function lh_fail_events()`.execute(db);
    }
    // Start counting once the set-up's own announcements have arrived.
    await new Promise((r) => setImmediate(r));
    committed = 0;
  }

  // Announcements are delivered in the loop's check phase: let any pending one arrive before counting.
  const announced = async (): Promise<number> => {
    await new Promise((r) => setImmediate(r));
    return committed;
  };
  const post = (url: string, key: string, payload: object, method: 'POST' | 'DELETE' = 'POST') =>
    t.app.inject({ method, url, headers: bearer(key), payload });
  const eventTypes = async (projectId: string) =>
    (await t.ctx.store.db.selectFrom('events').select('type').where('project_id', '=', projectId).orderBy('seq').execute()).map((r) => r.type);

  async function projectWithDocs(): Promise<{ projectId: string; docs: string[] }> {
    const project = await addProject(t.app, t.adminKey);
    const res = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: [{ key: 'a', text: 'hello world' }, { key: 'b', text: 'bye' }] });
    expect(res.statusCode, res.body).toBe(201);
    return { projectId: project.id, docs: res.json().data.map((d: { id: string }) => d.id) };
  }

  it('a failed TASKS_CREATED insert imports no document and leaves the project CREATED', async () => {
    const project = await addProject(t.app, t.adminKey);
    await failEventsOf('TASKS_CREATED');
    const res = await post(`/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: Array.from({ length: 1200 }, (_, i) => ({ key: `k${i}` })) });
    expect(res.statusCode).toBe(500);
    expect(await t.ctx.store.db.selectFrom('documents').select('id').where('project_id', '=', project.id).execute()).toHaveLength(0);
    const row = await t.ctx.store.db.selectFrom('projects').select('status').where('id', '=', project.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('CREATED');
    expect(await eventTypes(project.id)).toEqual(['PROJECT_CREATED']);
    expect(await announced()).toBe(0);
  });

  it('a failed TASKS_DELETED insert deletes no document, label or annotation', async () => {
    const { projectId, docs } = await projectWithDocs();
    expect((await post(`/api/v1/documents/${docs[0]}/labels`, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 5 }] })).statusCode).toBe(200);
    const before = await eventTypes(projectId);
    await failEventsOf('TASKS_DELETED');
    const res = await post(`/api/v1/projects/${projectId}/documents`, t.adminKey, { ids: docs }, 'DELETE');
    expect(res.statusCode).toBe(500);
    expect(await t.ctx.store.db.selectFrom('documents').select('id').where('project_id', '=', projectId).execute()).toHaveLength(2);
    expect(await t.ctx.store.db.selectFrom('labels').select('id').where('document_id', '=', docs[0]!).execute()).toHaveLength(1);
    expect(await t.ctx.store.db.selectFrom('annotations').select('id').where('document_id', '=', docs[0]!).execute()).toHaveLength(1);
    expect(await eventTypes(projectId)).toEqual(before);
    expect(await announced()).toBe(0);
  });

  it('a failed TASKS_EXCLUDED insert leaves the documents active', async () => {
    const { projectId, docs } = await projectWithDocs();
    await failEventsOf('TASKS_EXCLUDED');
    expect((await post(`/api/v1/projects/${projectId}/documents/exclude`, t.adminKey, { ids: docs })).statusCode).toBe(500);
    const rows = await t.ctx.store.db.selectFrom('documents').select('status').where('project_id', '=', projectId).execute();
    expect(rows.map((r) => r.status)).toEqual(['active', 'active']);
    expect(await announced()).toBe(0);
  });

  it('a failed TASK_COMPLETED insert records no completion, so the member can complete again', async () => {
    const { docs } = await projectWithDocs();
    await failEventsOf('TASK_COMPLETED');
    expect((await post(`/api/v1/documents/${docs[0]}/complete`, labeler, { mode: 'labeler' })).statusCode).toBe(500);
    expect(await t.ctx.store.db.selectFrom('completions').select('id').where('document_id', '=', docs[0]!).execute()).toHaveLength(0);
    expect(await announced()).toBe(0);
  });

  it('a failed TASK_REVIEWED insert records no review', async () => {
    const { docs } = await projectWithDocs();
    await failEventsOf('TASK_REVIEWED');
    expect((await post(`/api/v1/documents/${docs[0]}/complete`, t.adminKey, { mode: 'reviewer' })).statusCode).toBe(500);
    expect(await t.ctx.store.db.selectFrom('completions').select('id').where('document_id', '=', docs[0]!).execute()).toHaveLength(0);
  });

  it.each(['BEFORE_UPDATE_LABELS', 'ANNOTATION_CREATED'])('a failed %s insert stores no label, no annotation and no other event', async (type) => {
    const { projectId, docs } = await projectWithDocs();
    const before = await eventTypes(projectId);
    await failEventsOf(type);
    const res = await post(`/api/v1/documents/${docs[0]}/labels`, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 5 }] });
    expect(res.statusCode).toBe(500);
    expect(await t.ctx.store.db.selectFrom('labels').select('id').where('document_id', '=', docs[0]!).execute()).toHaveLength(0);
    expect(await t.ctx.store.db.selectFrom('annotations').select('id').where('document_id', '=', docs[0]!).execute()).toHaveLength(0);
    expect(await eventTypes(projectId)).toEqual(before);
    expect(await announced()).toBe(0);
  });

  it.each([
    ['ANNOTATION_UPDATED', (id: string) => ({ toUpsertList: [{ id, labelSetItemId: 'neg' }] })],
    ['ANNOTATIONS_DELETED', (id: string) => ({ toDeleteList: [{ id }] })],
  ])('a failed %s insert leaves the labels as they were', async (type, body) => {
    const { projectId, docs } = await projectWithDocs();
    const url = `/api/v1/documents/${docs[0]}/labels`;
    const created = await post(url, labeler, { toUpsertList: [{ labelSetItemId: 'pos', endCharIndex: 5 }] });
    const label = created.json().data[0];
    const before = await eventTypes(projectId);
    await failEventsOf(type);
    expect((await post(url, labeler, body(label.id))).statusCode).toBe(500);
    expect((await t.app.inject({ url, headers: bearer(labeler) })).json().data).toEqual([label]);
    expect(await t.ctx.store.db.selectFrom('annotations').select('id').where('document_id', '=', docs[0]!).execute()).toHaveLength(1);
    expect(await eventTypes(projectId)).toEqual(before);
    expect(await announced()).toBe(0);
  });
});
