import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchOnce, LARGE_EVENT_CHARS } from '../../src/webhooks/fanout/dispatcher.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { addProject, addTeam } from '../helpers/team-fixtures.js';
import { FAST, startReceiver, type Receiver } from './receiver.js';

// The fan-out of a large event (a 20,000-document import's TASKS_CREATED, megabytes of JSON) runs in steps with the
// event loop free in between: another team's request sent after the pass started is answered before the pass ends,
// and the pass stays one transaction that creates every part and marks its events dispatched. No engine runs here:
// the test drives the passes itself. (How long anything takes is measured in bench/scenarios/stall.ts.)
describe.each(BACKENDS)('fan-out of a large event in steps (%s)', (backend) => {
  let t: TestApp;
  let receiver: Receiver;
  let other: { id: string; apiKey: string };

  beforeAll(async () => {
    t = await createTestApp(backend, FAST);
    receiver = await startReceiver();
    other = await addTeam(t.app, t.adminKey);
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  const api = (method: 'POST' | 'PATCH', url: string, payload: object) => t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(t.adminKey), payload });

  it("answers another team's GET /me while a 20,000-document import fans out, and creates every part in one pass", async () => {
    const project = await addProject(t.app, t.adminKey);
    const hook = await api('POST', '/webhooks', { url: receiver.url, events: ['*'], projectId: project.id, maxBodyBytes: 100 * 1024 });
    expect(hook.statusCode, hook.body).toBe(201);
    const webhookId = (JSON.parse(hook.body) as { id: string }).id;
    // Drop what the setup queued (nothing here sends it), so the passes below start at the events of this test.
    while ((await dispatchOnce(t.ctx)).events > 0);

    // A small event before the large one and one after it: all three fan out, in order.
    expect((await api('PATCH', `/projects/${project.id}`, { name: 'before' })).statusCode).toBe(200);
    const documents = Array.from({ length: 20_000 }, (_, i) => ({ key: `k${i}`, text: `document number ${i}, long enough to be a real review of something` }));
    expect((await api('POST', `/projects/${project.id}/documents`, { documents })).statusCode).toBe(201);
    expect((await api('PATCH', `/projects/${project.id}`, { name: 'after' })).statusCode).toBe(200);
    const events = await t.ctx.store.db.selectFrom('events').select(['seq', 'type', 'data']).where('dispatched_at', 'is', null).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['PROJECT_UPDATED', 'TASKS_CREATED', 'PROJECT_UPDATED']);
    expect(events[1]!.data.length).toBeGreaterThan(LARGE_EVENT_CHARS);

    const order: string[] = [];
    const pass = dispatchOnce(t.ctx).then((report) => {
      order.push('fan-out');
      return report;
    });
    // Let the pass get past its claim and into the large event's steps (a few turns of the event loop).
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(other.apiKey) });
    expect(me.statusCode).toBe(200);
    order.push('me');
    const report = await pass;
    expect(order).toEqual(['me', 'fan-out']);
    // The small event before it and the large one; the one after is left for the next pass, which the loop runs at once.
    expect(report.events).toBe(2);
    expect(report.more).toBe(true);
    expect((await dispatchOnce(t.ctx)).events).toBe(1);

    const rows = await t.ctx.store.db.selectFrom('deliveries').select(['event_seq', 'payload']).where('webhook_id', '=', webhookId).orderBy('event_seq').orderBy('id').execute();
    const bySeq = (seq: number) => rows.filter((r) => Number(r.event_seq) === seq);
    expect(bySeq(Number(events[0]!.seq))).toHaveLength(1);
    expect(bySeq(Number(events[2]!.seq))).toHaveLength(1);
    const parts = bySeq(Number(events[1]!.seq)).map((r) => JSON.parse(r.payload) as { data: { documents: { key: string }[]; part: { index: number; count: number } } });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.data.part.index)).toEqual(parts.map((_, i) => i + 1));
    expect(new Set(parts.map((p) => p.data.part.count))).toEqual(new Set([parts.length]));
    expect(parts.flatMap((p) => p.data.documents.map((d) => d.key))).toEqual(documents.map((d) => d.key));
    for (const r of bySeq(Number(events[1]!.seq))) expect(Buffer.byteLength(r.payload)).toBeLessThanOrEqual(100 * 1024);
    const left = await t.ctx.store.db.selectFrom('events').select('seq').where('dispatched_at', 'is', null).execute();
    expect(left).toEqual([]);
  }, 120_000);

  /** Makes inserting a delivery fail once `after` deliveries of the same event exist (mid-pass, after some inserts). */
  async function failDeliveriesAfter(after: number): Promise<void> {
    const db = t.ctx.store.db;
    if (backend === 'sqlite') {
      await sql`create trigger lh_fail_parts before insert on deliveries when (select count(*) from deliveries where event_seq = new.event_seq) >= ${sql.lit(after)} begin select raise(abort, 'injected fault'); end`.execute(db);
    } else {
      await sql`create or replace function lh_fail_parts() returns trigger language plpgsql as $$ begin if (select count(*) from deliveries where event_seq = new.event_seq) >= ${sql.lit(after)} then raise exception 'injected fault'; end if; return new; end $$`.execute(db);
      await sql`create trigger lh_fail_parts before insert on deliveries for each row execute function lh_fail_parts()`.execute(db);
    }
  }

  async function dropFault(): Promise<void> {
    if (backend === 'sqlite') await sql`drop trigger if exists lh_fail_parts`.execute(t.ctx.store.db);
    else await sql`drop trigger if exists lh_fail_parts on deliveries`.execute(t.ctx.store.db);
  }

  it('rolls a failed large-event pass back whole: no parts, the event still undispatched, then fans it out again', async () => {
    const project = await addProject(t.app, t.adminKey);
    const hook = await api('POST', '/webhooks', { url: receiver.url, events: ['TASKS_CREATED'], projectId: project.id, maxBodyBytes: 100 * 1024 });
    expect(hook.statusCode, hook.body).toBe(201);
    const webhookId = (JSON.parse(hook.body) as { id: string }).id;
    while ((await dispatchOnce(t.ctx)).events > 0);
    const documents = Array.from({ length: 20_000 }, (_, i) => ({ key: `r${i}`, text: `document number ${i}, long enough to be a real review of something` }));
    expect((await api('POST', `/projects/${project.id}/documents`, { documents })).statusCode).toBe(201);
    const parts = () => t.ctx.store.db.selectFrom('deliveries').select('id').where('webhook_id', '=', webhookId).execute();
    const undispatched = () => t.ctx.store.db.selectFrom('events').select('type').where('dispatched_at', 'is', null).execute();

    await failDeliveriesAfter(30);
    try {
      const failed = await dispatchOnce(t.ctx);
      expect(failed.events).toBe(0);
    } finally {
      await dropFault();
    }
    expect(await parts()).toEqual([]);
    expect((await undispatched()).map((e) => e.type)).toEqual(['TASKS_CREATED']);

    const report = await dispatchOnce(t.ctx);
    expect(report.events).toBe(1);
    expect((await parts()).length).toBeGreaterThan(30);
    expect(await undispatched()).toEqual([]);
  }, 120_000);
});
