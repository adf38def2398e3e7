import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addProject, addTeam, eventsOf } from '../helpers/team-fixtures.js';

describe.each(BACKENDS)('project completion (%s)', (backend) => {
  let t: TestApp;
  let labelerKey: string;
  let reviewerKey: string;
  let other: { id: string; apiKey: string };
  const who: Record<string, { id: string; email: string; name: string; role: string }> = {};

  beforeAll(async () => {
    t = await createTestApp(backend);
    labelerKey = await addMember(t.app, t.adminKey, 'labeler');
    reviewerKey = await addMember(t.app, t.adminKey, 'reviewer');
    other = await addTeam(t.app, t.adminKey);
    for (const [name, key] of [['labeler', labelerKey], ['reviewer', reviewerKey], ['admin', t.adminKey]] as const) {
      who[name] = (await t.app.inject({ url: '/api/v1/me', headers: bearer(key) })).json().member;
    }
  });
  afterAll(async () => t.close());

  const complete = (id: string, key: string | null, payload: unknown) =>
    t.app.inject({ method: 'POST', url: `/api/v1/projects/${id}/complete`, headers: key ? bearer(key) : {}, payload: payload as object });
  const statusOf = async (id: string) => (await t.app.inject({ url: `/api/v1/projects/${id}`, headers: bearer(t.adminKey) })).json().status;
  const completions = (projectId: string) =>
    t.ctx.store.db.selectFrom('completions').select(['document_id', 'member_id', 'mode']).where('project_id', '=', projectId).execute();

  it('a labeler completes an open project: COMPLETED, one PROJECT_COMPLETED, one completion row', async () => {
    const p = await addProject(t.app, t.adminKey);
    const res = await complete(p.id, labelerKey, { mode: 'labeler' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: p.id, status: 'COMPLETED' });
    const events = await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_COMPLETED' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      project: { id: p.id, status: 'COMPLETED', labelSet: p.labelSet },
      actor: { id: who.labeler!.id, email: who.labeler!.email, role: 'labeler' },
      data: { mode: 'labeler', project: { id: p.id, name: p.name, status: 'COMPLETED' } },
    });
    expect(await completions(p.id)).toEqual([{ document_id: null, member_id: who.labeler!.id, mode: 'labeler' }]);
  });

  it('completes an IN_PROGRESS project too', async () => {
    const p = await addProject(t.app, t.adminKey);
    await t.ctx.store.db.updateTable('projects').set({ status: 'IN_PROGRESS' }).where('id', '=', p.id).execute();
    expect((await complete(p.id, t.adminKey, { mode: 'labeler' })).json().status).toBe('COMPLETED');
  });

  it('a reviewer reviews a completed project: REVIEWED and one PROJECT_REVIEWED', async () => {
    const p = await addProject(t.app, t.adminKey);
    await complete(p.id, labelerKey, { mode: 'labeler' });
    const res = await complete(p.id, reviewerKey, { mode: 'reviewer' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('REVIEWED');
    const events = await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_REVIEWED' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: { id: who.reviewer!.id, role: 'reviewer' }, data: { mode: 'reviewer', project: { status: 'REVIEWED' } } });
    expect((await completions(p.id)).map((c) => c.mode).sort()).toEqual(['labeler', 'reviewer']);
  });

  it('an admin may act in both modes', async () => {
    const p = await addProject(t.app, t.adminKey);
    expect((await complete(p.id, t.adminKey, { mode: 'labeler' })).statusCode).toBe(200);
    expect((await complete(p.id, t.adminKey, { mode: 'reviewer' })).statusCode).toBe(200);
    expect(await statusOf(p.id)).toBe('REVIEWED');
  });

  it('refuses reviewer mode to a labeler and labeler mode to a reviewer (403), changing and emitting nothing', async () => {
    const p = await addProject(t.app, t.adminKey);
    await complete(p.id, labelerKey, { mode: 'labeler' });
    const res = await complete(p.id, labelerKey, { mode: 'reviewer' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    const q = await addProject(t.app, t.adminKey);
    expect((await complete(q.id, reviewerKey, { mode: 'labeler' })).statusCode).toBe(403);
    expect(await statusOf(p.id)).toBe('COMPLETED');
    expect(await statusOf(q.id)).toBe('CREATED');
    expect(await eventsOf(t.app, t.adminKey, { projectId: p.id, type: 'PROJECT_REVIEWED' })).toHaveLength(0);
    expect(await eventsOf(t.app, t.adminKey, { projectId: q.id, type: 'PROJECT_COMPLETED' })).toHaveLength(0);
  });

  it('answers 409 invalid_status for reviewing an unfinished project or completing a finished one, emitting nothing', async () => {
    const p = await addProject(t.app, t.adminKey);
    const early = await complete(p.id, reviewerKey, { mode: 'reviewer' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'invalid_status', details: { status: 'CREATED', mode: 'reviewer' } });
    await complete(p.id, labelerKey, { mode: 'labeler' });
    expect((await complete(p.id, labelerKey, { mode: 'labeler' })).json().error.code).toBe('invalid_status');
    await complete(p.id, reviewerKey, { mode: 'reviewer' });
    expect((await complete(p.id, reviewerKey, { mode: 'reviewer' })).statusCode).toBe(409);
    expect((await complete(p.id, labelerKey, { mode: 'labeler' })).statusCode).toBe(409);
    const events = await eventsOf(t.app, t.adminKey, { projectId: p.id });
    expect(events.map((e) => e.type)).toEqual(['PROJECT_CREATED', 'PROJECT_COMPLETED', 'PROJECT_REVIEWED']);
    expect(await completions(p.id)).toHaveLength(2);
  });

  it("refuses a bad mode (422), another team's project (404) and no key (401)", async () => {
    const p = await addProject(t.app, t.adminKey);
    const bad = await complete(p.id, t.adminKey, { mode: 'owner' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('validation_failed');
    expect((await complete(p.id, t.adminKey, {})).statusCode).toBe(422);
    expect((await complete(p.id, other.apiKey, { mode: 'labeler' })).statusCode).toBe(404);
    expect((await complete(p.id, null, { mode: 'labeler' })).statusCode).toBe(401);
    expect(await statusOf(p.id)).toBe('CREATED');
    expect(await completions(p.id)).toHaveLength(0);
  });
});
