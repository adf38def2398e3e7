import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/event.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addProject, eventsOf } from '../helpers/team-fixtures.js';

// `onDuplicateKey: "overwrite"`: documents whose key is already in the project are replaced in place, in the
// import's one transaction, with one TASKS_UPDATED; labels go when the content they point into changed.
describe.each(BACKENDS)('import with onDuplicateKey overwrite (%s)', (backend) => {
  let t: TestApp;
  let labeler: string;

  beforeAll(async () => {
    t = await createTestApp(backend);
    labeler = await addMember(t.app, t.adminKey, 'labeler');
  });
  afterAll(async () => t.close());
  afterEach(async () => {
    if (backend === 'sqlite') await sql`drop trigger if exists lh_fail_events`.execute(t.ctx.store.db);
    else await sql`drop trigger if exists lh_fail_events on events`.execute(t.ctx.store.db);
  });

  const post = (url: string, key: string, payload: object) => t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
  const importDocs = (projectId: string, body: object) => post(`/api/v1/projects/${projectId}/documents`, t.adminKey, body);
  const eventsIn = async (projectId: string): Promise<StoredEvent[]> => eventsOf(t.app, t.adminKey, { projectId });
  const label = async (docId: string, key = labeler) => {
    const res = await post(`/api/v1/documents/${docId}/labels`, key, { toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 5 }] });
    expect(res.statusCode, res.body).toBe(200);
  };
  const labelsOn = async (docId: string) => (await t.app.inject({ url: `/api/v1/documents/${docId}/labels`, headers: bearer(t.adminKey) })).json().data;

  async function seeded(): Promise<{ projectId: string; docs: { id: string; num: number; key: string; createdAt: string }[] }> {
    const project = await addProject(t.app, t.adminKey);
    const res = await importDocs(project.id, {
      documents: [
        { key: 'same', name: 'Same', text: 'hello world' },
        { key: 'edit', name: 'Edit', text: 'hello there', data: { stars: 1 } },
        { key: 'plain', text: 'untouched' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    return { projectId: project.id, docs: res.json().data };
  }

  it('keeps answering 409 duplicate_key by default and with onDuplicateKey "fail", changing nothing', async () => {
    const { projectId } = await seeded();
    const before = await eventsIn(projectId);
    for (const body of [{}, { onDuplicateKey: 'fail' }]) {
      const res = await importDocs(projectId, { documents: [{ key: 'new', text: 'x' }, { key: 'edit', text: 'y' }], ...body });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'duplicate_key', details: { keys: ['edit'] } });
    }
    expect(await eventsIn(projectId)).toEqual(before);
    expect((await t.ctx.store.db.selectFrom('documents').select('key').where('project_id', '=', projectId).execute()).map((r) => r.key).sort()).toEqual(['edit', 'plain', 'same']);
  });

  it('refuses an unknown policy and a key repeated in the request even with overwrite (422, 409)', async () => {
    const { projectId } = await seeded();
    expect((await importDocs(projectId, { documents: [{ key: 'a' }], onDuplicateKey: 'replace' })).statusCode).toBe(422);
    const res = await importDocs(projectId, { documents: [{ key: 'edit' }, { key: 'edit' }], onDuplicateKey: 'overwrite' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('duplicate_key');
  });

  it('replaces known keys in place (same id and createdAt), creates the rest, and emits TASKS_CREATED then TASKS_UPDATED with before', async () => {
    const { projectId, docs } = await seeded();
    const [same, edit] = docs;
    const res = await importDocs(projectId, {
      documents: [{ key: 'edit', name: 'Edited', text: 'hello again', data: { stars: 5 } }, { key: 'fresh', text: 'new one' }],
      onDuplicateKey: 'overwrite',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ created: 1, replaced: 1, labelsRemoved: 0 });
    expect(body.data.map((d: { key: string }) => d.key)).toEqual(['edit', 'fresh']);
    expect(body.data[0]).toMatchObject({ id: edit!.id, createdAt: edit!.createdAt, name: 'Edited', text: 'hello again', data: { stars: 5 }, status: 'active' });
    expect(body.data[0].updatedAt >= edit!.createdAt).toBe(true);
    const stored = await t.app.inject({ url: `/api/v1/documents/${edit!.id}`, headers: bearer(t.adminKey) });
    expect(stored.json()).toMatchObject({ name: 'Edited', text: 'hello again', data: { stars: 5 } });
    const untouched = await t.app.inject({ url: `/api/v1/documents/${same!.id}`, headers: bearer(t.adminKey) });
    expect(untouched.json()).toMatchObject({ name: 'Same', text: 'hello world' });

    const events = (await eventsIn(projectId)).slice(2);
    expect(events.map((e) => e.type)).toEqual(['TASKS_CREATED', 'TASKS_UPDATED']);
    expect(events[0]!.data).toMatchObject({ count: 1, documents: [{ key: 'fresh', text: 'new one' }] });
    const updated = events[1]!.data as { documents: Record<string, unknown>[]; before: Record<string, unknown>[]; count: number };
    expect(updated.count).toBe(1);
    expect(updated.documents).toEqual([
      { id: edit!.id, num: edit!.num, projectId, key: 'edit', name: 'Edited', status: 'active', createdAt: edit!.createdAt, updatedAt: body.data[0].updatedAt, text: 'hello again', data: { stars: 5 } },
    ]);
    expect(updated.before).toEqual([
      { id: edit!.id, num: edit!.num, projectId, key: 'edit', name: 'Edit', status: 'active', createdAt: edit!.createdAt, updatedAt: edit!.createdAt, text: 'hello there', data: { stars: 1 } },
    ]);
  });

  it('keeps the labels of a document whose text and data are unchanged, and removes them (ANNOTATIONS_DELETED, completions too) when they change', async () => {
    const { projectId, docs } = await seeded();
    const [same, edit] = docs;
    const second = await addMember(t.app, t.adminKey, 'labeler');
    await label(same!.id);
    await label(edit!.id);
    await label(edit!.id, second);
    expect((await post(`/api/v1/documents/${edit!.id}/complete`, labeler, { mode: 'labeler' })).statusCode).toBe(201);
    const labelsBefore = await labelsOn(edit!.id);
    const before = (await eventsIn(projectId)).length;

    const res = await importDocs(projectId, {
      documents: [{ key: 'same', name: 'Renamed only', text: 'hello world' }, { key: 'edit', name: 'Edit', text: 'a different text', data: { stars: 1 } }],
      onDuplicateKey: 'overwrite',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ created: 0, replaced: 2, labelsRemoved: 2 });
    expect(res.json().data[1].completions).toEqual([]);
    expect(await labelsOn(same!.id)).toHaveLength(1);
    expect(await labelsOn(edit!.id)).toEqual([]);
    expect(await t.ctx.store.db.selectFrom('annotations').select('id').where('document_id', '=', edit!.id).execute()).toEqual([]);
    expect(await t.ctx.store.db.selectFrom('completions').select('id').where('document_id', '=', edit!.id).execute()).toEqual([]);

    const events = (await eventsIn(projectId)).slice(before);
    expect(events.map((e) => e.type)).toEqual(['TASKS_UPDATED', 'ANNOTATIONS_DELETED']);
    const deleted = events[1]!.data as { annotations: { memberId: string; labels: unknown[] }[]; document: { id: string; name: string }; labelUpdateList: { toDeleteList: unknown[]; toUpsertList: unknown[] } };
    expect(deleted.document).toMatchObject({ id: edit!.id, name: 'Edit' });
    expect(deleted.annotations).toHaveLength(2);
    expect(deleted.annotations.flatMap((a) => a.labels)).toEqual(labelsBefore);
    expect(deleted.labelUpdateList).toEqual({ toDeleteList: labelsBefore, toUpsertList: [] });
    // The document can be labeled again on its new text.
    await label(edit!.id);
  });

  it('keeps an excluded document excluded when it is overwritten', async () => {
    const { projectId, docs } = await seeded();
    expect((await post(`/api/v1/projects/${projectId}/documents/exclude`, t.adminKey, { ids: [docs[2]!.id] })).statusCode).toBe(200);
    const res = await importDocs(projectId, { documents: [{ key: 'plain', text: 'changed' }], onDuplicateKey: 'overwrite' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data[0]).toMatchObject({ id: docs[2]!.id, status: 'excluded', text: 'changed' });
  });

  async function failEventsOf(type: string): Promise<void> {
    const db = t.ctx.store.db;
    if (backend === 'sqlite') {
      await sql`create trigger lh_fail_events before insert on events when new.type = ${sql.lit(type)} begin select raise(abort, 'injected fault'); end`.execute(db);
    } else {
      await sql`create or replace function lh_fail_events() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`.execute(db);
      await sql`create trigger lh_fail_events before insert on events for each row when (new.type = ${sql.lit(type)}) execute function lh_fail_events()`.execute(db);
    }
  }

  it.each(['TASKS_UPDATED', 'ANNOTATIONS_DELETED'])('changes nothing when the %s write fails: documents, labels, completions and events stay', async (type) => {
    const { projectId, docs } = await seeded();
    const edit = docs[1]!;
    await label(edit.id);
    expect((await post(`/api/v1/documents/${edit.id}/complete`, labeler, { mode: 'labeler' })).statusCode).toBe(201);
    const snapshot = async () => ({
      documents: await t.ctx.store.db.selectFrom('documents').selectAll().where('project_id', '=', projectId).orderBy('id').execute(),
      labels: await t.ctx.store.db.selectFrom('labels').selectAll().where('project_id', '=', projectId).orderBy('id').execute(),
      annotations: await t.ctx.store.db.selectFrom('annotations').selectAll().where('project_id', '=', projectId).orderBy('id').execute(),
      completions: await t.ctx.store.db.selectFrom('completions').selectAll().where('document_id', '=', edit.id).execute(),
      events: await eventsIn(projectId),
    });
    const before = await snapshot();
    await failEventsOf(type);
    // 1,200 documents: several chunks of inserts and upserts before the failing event write.
    const documents = [{ key: 'edit', text: 'changed text' }, ...Array.from({ length: 1200 }, (_, i) => ({ key: `n${i}`, text: `new ${i}` }))];
    const res = await importDocs(projectId, { documents, onDuplicateKey: 'overwrite' });
    expect(res.statusCode).toBe(500);
    expect(await snapshot()).toEqual(before);
  });
});
