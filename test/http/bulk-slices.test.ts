import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addProject, addTeam } from '../helpers/team-fixtures.js';

// Bulk imports, deletes and label updates run in slices with the event loop free in between: another team's
// request sent after the bulk one started is answered before the bulk one finishes, and the bulk change stays
// all-or-nothing. (How long anything takes is measured in bench/scenarios/stall.ts, not asserted here.)
describe.each(BACKENDS)('bulk work in slices (%s)', (backend) => {
  let t: TestApp;
  let other: { id: string; apiKey: string };
  let labeler: string;

  beforeAll(async () => {
    t = await createTestApp(backend);
    other = await addTeam(t.app, t.adminKey);
    labeler = await addMember(t.app, t.adminKey, 'labeler');
  });
  afterAll(async () => t.close());
  afterEach(async () => {
    if (backend === 'sqlite') await sql`drop trigger if exists lh_fail_events`.execute(t.ctx.store.db);
    else await sql`drop trigger if exists lh_fail_events on events`.execute(t.ctx.store.db);
  });

  const request = (method: 'POST' | 'DELETE', url: string, key: string, payload: object) => t.app.inject({ method, url, headers: bearer(key), payload });

  /** Starts `bulk`, then asks GET /me as the other team once the bulk request is under way; answers who finished first. */
  async function interleaved(bulk: () => Promise<{ statusCode: number; body: string }>): Promise<{ order: string[]; status: number; body: string }> {
    const order: string[] = [];
    const running = bulk().then((res) => {
      order.push('bulk');
      return res;
    });
    // Let the bulk request get past routing and into its slices (a few turns of the event loop).
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(other.apiKey) });
    expect(me.statusCode).toBe(200);
    order.push('me');
    const res = await running;
    return { order, status: res.statusCode, body: res.body };
  }

  const documents = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, text: `document number ${i}` }));

  it("answers another team's GET /me during a 20,000-document import, a 20,000-document delete and a 5,000-label update", async () => {
    const project = await addProject(t.app, t.adminKey);
    const imported = await interleaved(() => request('POST', `/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: documents(20_000) }));
    expect(imported.status, imported.body.slice(0, 300)).toBe(201);
    expect(imported.order).toEqual(['me', 'bulk']);
    const ids = (JSON.parse(imported.body) as { data: { id: string }[] }).data.map((d) => d.id);

    const labels = Array.from({ length: 5_000 }, (_, i) => ({ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 8, counter: i }));
    const labeled = await interleaved(() => request('POST', `/api/v1/documents/${ids[0]}/labels`, labeler, { toUpsertList: labels }));
    expect(labeled.status, labeled.body.slice(0, 300)).toBe(200);
    expect(labeled.order).toEqual(['me', 'bulk']);
    expect((JSON.parse(labeled.body) as { data: unknown[] }).data).toHaveLength(5_000);

    const deleted = await interleaved(() => request('DELETE', `/api/v1/projects/${project.id}/documents`, t.adminKey, { ids }));
    expect(deleted.status, deleted.body.slice(0, 300)).toBe(200);
    expect(deleted.order).toEqual(['me', 'bulk']);
    expect(await t.ctx.store.db.selectFrom('documents').select('id').where('project_id', '=', project.id).execute()).toEqual([]);
    expect(await t.ctx.store.db.selectFrom('labels').select('id').where('project_id', '=', project.id).execute()).toEqual([]);
  });

  async function failEventsOf(type: string): Promise<void> {
    const db = t.ctx.store.db;
    if (backend === 'sqlite') {
      await sql`drop trigger if exists lh_fail_events`.execute(db);
      await sql`create trigger lh_fail_events before insert on events when new.type = ${sql.lit(type)} begin select raise(abort, 'injected fault'); end`.execute(db);
    } else {
      await sql`drop trigger if exists lh_fail_events on events`.execute(db);
      await sql`create or replace function lh_fail_events() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`.execute(db);
      await sql`create trigger lh_fail_events before insert on events for each row when (new.type = ${sql.lit(type)}) execute function lh_fail_events()`.execute(db);
    }
  }

  it('updates and deletes labels of a document holding 1,200 in slices, with the events of one update', async () => {
    const project = await addProject(t.app, t.adminKey);
    const res = await request('POST', `/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: documents(3, 'u') });
    const ids = (res.json() as { data: { id: string }[] }).data.map((d) => d.id);
    const created = await request('POST', `/api/v1/documents/${ids[0]}/labels`, labeler, {
      toUpsertList: Array.from({ length: 1_200 }, (_, i) => ({ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 8, counter: i })),
    });
    expect(created.statusCode).toBe(200);
    const before = (created.json() as { data: { id: string; counter: number }[] }).data;
    expect(before.map((l) => l.counter)).toEqual(Array.from({ length: 1_200 }, (_, i) => i));

    const toUpsertList = before.slice(0, 600).map((l) => ({ id: l.id, counter: l.counter + 10_000 }));
    const toDeleteList = before.slice(600, 1_150).map((l) => ({ id: l.id }));
    const changed = await interleaved(() => request('POST', `/api/v1/documents/${ids[0]}/labels`, labeler, { toUpsertList, toDeleteList }));
    expect(changed.status, changed.body.slice(0, 300)).toBe(200);
    expect(changed.order).toEqual(['me', 'bulk']);
    const after = (JSON.parse(changed.body) as { data: { id: string; counter: number }[] }).data;
    expect(after.map((l) => l.counter)).toEqual([...before.slice(0, 600).map((l) => l.counter + 10_000), ...before.slice(1_150).map((l) => l.counter)]);

    const rows = await t.ctx.store.db.selectFrom('events').select(['type', 'data']).where('project_id', '=', project.id).orderBy('seq').execute();
    const updated = rows.filter((r) => r.type === 'ANNOTATION_UPDATED').map((r) => JSON.parse(r.data) as { data: { annotation: { labels: unknown[] }; before: { labels: unknown[] }; labelUpdateList: { toUpsertList: unknown[]; toDeleteList: unknown[] } } });
    expect(updated).toHaveLength(1);
    const event = updated[0]!.data;
    expect([event.before.labels.length, event.annotation.labels.length]).toEqual([1_200, 650]);
    expect([event.labelUpdateList.toUpsertList.length, event.labelUpdateList.toDeleteList.length]).toEqual([600, 550]);
    expect(rows.filter((r) => r.type === 'BEFORE_UPDATE_LABELS')).toHaveLength(2);
  });

  it("answers another team's GET /me during a bulk label update of 2,000 labels over 200 documents", async () => {
    const project = await addProject(t.app, t.adminKey);
    const res = await request('POST', `/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: documents(200, 'b') });
    const ids = (res.json() as { data: { id: string }[] }).data.map((d) => d.id);
    const body = { documents: ids.map((documentId) => ({ documentId, toUpsertList: Array.from({ length: 10 }, (_, i) => ({ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 8, counter: i })) })) };
    const bulk = await interleaved(() => request('POST', `/api/v1/projects/${project.id}/labels`, labeler, body));
    expect(bulk.status, bulk.body.slice(0, 300)).toBe(200);
    expect(bulk.order).toEqual(['me', 'bulk']);
    const data = (JSON.parse(bulk.body) as { data: { documentId: string; labels: unknown[] }[] }).data;
    expect(data.map((d) => [d.documentId, d.labels.length])).toEqual(ids.map((id) => [id, 10]));
    const events = await t.ctx.store.db.selectFrom('events').select('type').where('project_id', '=', project.id).where('type', 'in', ['ANNOTATIONS_CREATED', 'BEFORE_UPDATE_LABELS']).execute();
    expect(events.filter((e) => e.type === 'ANNOTATIONS_CREATED')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'BEFORE_UPDATE_LABELS')).toHaveLength(200);
  });

  it('stores nothing of a sliced label update whose last event fails, nor of a sliced delete', async () => {
    const project = await addProject(t.app, t.adminKey);
    const res = await request('POST', `/api/v1/projects/${project.id}/documents`, t.adminKey, { documents: documents(1_200, 'd') });
    expect(res.statusCode).toBe(201);
    const ids = (res.json() as { data: { id: string }[] }).data.map((d) => d.id);
    await failEventsOf('ANNOTATION_CREATED');
    const labels = Array.from({ length: 1_200 }, () => ({ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 8 }));
    expect((await request('POST', `/api/v1/documents/${ids[0]}/labels`, labeler, { toUpsertList: labels })).statusCode).toBe(500);
    expect(await t.ctx.store.db.selectFrom('labels').select('id').where('document_id', '=', ids[0]!).execute()).toEqual([]);
    expect(await t.ctx.store.db.selectFrom('events').select('id').where('project_id', '=', project.id).where('type', '=', 'BEFORE_UPDATE_LABELS').execute()).toEqual([]);

    await failEventsOf('TASKS_DELETED');
    expect((await request('DELETE', `/api/v1/projects/${project.id}/documents`, t.adminKey, { ids })).statusCode).toBe(500);
    expect(await t.ctx.store.db.selectFrom('documents').select('id').where('project_id', '=', project.id).execute()).toHaveLength(1_200);
  });
});
