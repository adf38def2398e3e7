import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/event.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addProject, addTeam, eventsOf } from '../helpers/team-fixtures.js';

describe.each(BACKENDS)('event log (%s)', (backend) => {
  let t: TestApp;
  let other: { id: string; apiKey: string };
  let a: { id: string };
  let b: { id: string };
  let mine: StoredEvent[];

  beforeAll(async () => {
    t = await createTestApp(backend);
    other = await addTeam(t.app, t.adminKey);
    a = await addProject(t.app, t.adminKey, { name: 'A' });
    b = await addProject(t.app, t.adminKey, { name: 'B' });
    await t.app.inject({ method: 'PATCH', url: `/api/v1/projects/${a.id}`, headers: bearer(t.adminKey), payload: { name: 'A2' } });
    await t.app.inject({ method: 'POST', url: `/api/v1/projects/${a.id}/complete`, headers: bearer(t.adminKey), payload: { mode: 'labeler' } });
    await addProject(t.app, other.apiKey, { name: 'Theirs' });
    mine = await eventsOf(t.app, t.adminKey);
  });
  afterAll(async () => t.close());

  const get = (url: string, key: string | null = t.adminKey) => t.app.inject({ url, headers: key ? bearer(key) : {} });

  it("lists only the caller's team's events, oldest first by seq", async () => {
    expect(mine.map((e) => [e.type, e.project?.id])).toEqual([
      ['PROJECT_CREATED', a.id],
      ['PROJECT_CREATED', b.id],
      ['PROJECT_UPDATED', a.id],
      ['PROJECT_COMPLETED', a.id],
    ]);
    const seqs = mine.map((e) => e.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    const theirs = await eventsOf(t.app, other.apiKey);
    expect(theirs.map((e) => e.type)).toEqual(['PROJECT_CREATED']);
    expect(theirs[0]!.team.id).toBe(other.id);
  });

  it('answers each item as the full envelope', async () => {
    for (const e of mine) {
      expect(Object.keys(e).sort()).toEqual(['actor', 'data', 'id', 'project', 'seq', 'team', 'timestamp', 'type']);
      expect(e.id).toMatch(/^evt_/);
      expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
    }
  });

  it('filters by type (one or several), projectId and since', async () => {
    expect((await eventsOf(t.app, t.adminKey, { type: 'PROJECT_CREATED' })).map((e) => e.project?.id)).toEqual([a.id, b.id]);
    const several = await get('/api/v1/events?type=PROJECT_UPDATED&type=PROJECT_COMPLETED');
    expect(several.json().data.map((e: StoredEvent) => e.type)).toEqual(['PROJECT_UPDATED', 'PROJECT_COMPLETED']);
    expect((await eventsOf(t.app, t.adminKey, { projectId: b.id })).map((e) => e.type)).toEqual(['PROJECT_CREATED']);
    expect(await eventsOf(t.app, t.adminKey, { since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(await eventsOf(t.app, t.adminKey, { since: mine[0]!.timestamp })).toHaveLength(mine.length);
  });

  it('pages forwards with nextCursor and backwards with order=desc, without gaps or repeats', async () => {
    const asc: string[] = [];
    let url = '/api/v1/events?limit=3';
    for (;;) {
      const page = (await get(url)).json();
      asc.push(...page.data.map((e: StoredEvent) => e.id));
      if (!page.nextCursor) break;
      url = `/api/v1/events?limit=3&cursor=${page.nextCursor}`;
    }
    expect(asc).toEqual(mine.map((e) => e.id));
    const desc: string[] = [];
    url = '/api/v1/events?limit=1&order=desc';
    for (;;) {
      const page = (await get(url)).json();
      desc.push(...page.data.map((e: StoredEvent) => e.id));
      if (!page.nextCursor) break;
      url = `/api/v1/events?limit=1&order=desc&cursor=${page.nextCursor}`;
    }
    expect(desc).toEqual(mine.map((e) => e.id).reverse());
  });

  it('GET /events/{id} answers the same envelope as the list', async () => {
    const res = await get(`/api/v1/events/${mine[2]!.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(mine[2]);
  });

  it('lets labelers and reviewers read the log', async () => {
    for (const role of ['labeler', 'reviewer'] as const) {
      const key = await addMember(t.app, t.adminKey, role);
      expect((await eventsOf(t.app, key)).map((e) => e.id)).toEqual(mine.map((e) => e.id));
    }
  });

  it("answers 404 for another team's event or an unknown id", async () => {
    const res = await get(`/api/v1/events/${mine[0]!.id}`, other.apiKey);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    expect((await get('/api/v1/events/evt_nope')).statusCode).toBe(404);
  });

  it('refuses bad filters with 400 and a clear code', async () => {
    const since = await get('/api/v1/events?since=yesterday');
    expect(since.statusCode).toBe(400);
    expect(since.json().error.code).toBe('invalid_since');
    const type = await get('/api/v1/events?type=NOT_A_TYPE');
    expect(type.statusCode).toBe(400);
    expect(type.json().error.code).toBe('validation_failed');
    expect((await get('/api/v1/events?order=sideways')).statusCode).toBe(400);
    const cursor = await get(`/api/v1/events?cursor=${Buffer.from('prj_abc').toString('base64url')}`);
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().error.code).toBe('invalid_cursor');
  });

  it('refuses requests without a key (401)', async () => {
    expect((await get('/api/v1/events', null)).statusCode).toBe(401);
    expect((await get(`/api/v1/events/${mine[0]!.id}`, null)).statusCode).toBe(401);
  });

  it('lists the event routes in /openapi.json', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(doc.paths['/api/v1/events'].get).toBeDefined();
    expect(doc.paths['/api/v1/events/{id}'].get).toBeDefined();
  });
});
