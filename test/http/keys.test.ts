import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';

describe.each(BACKENDS)('API keys /api/v1/keys (%s)', (backend) => {
  let t: TestApp;
  let labelerId: string;
  let labelerKey: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/members', headers: bearer(t.adminKey), payload: { email: 'lab@x.test', role: 'labeler' } });
    expect(res.statusCode).toBe(201);
    labelerId = res.json().id;
    labelerKey = res.json().apiKey;
  });
  afterAll(async () => t.close());

  it('creates a key for the caller or a member, answers it once, and the key works', async () => {
    const own = await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(t.adminKey), payload: { name: 'ci' } });
    expect(own.statusCode).toBe(201);
    expect(own.json()).toMatchObject({ name: 'ci', member: { email: 'admin@localhost', role: 'admin' }, revokedAt: null });
    expect(own.json().key.startsWith(own.json().prefix)).toBe(true);
    const forLabeler = await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(t.adminKey), payload: { memberId: labelerId, name: 'laptop' } });
    expect(forLabeler.statusCode).toBe(201);
    expect(forLabeler.json().member).toMatchObject({ id: labelerId, role: 'labeler' });
    const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(forLabeler.json().key) });
    expect(me.statusCode).toBe(200);

    const list = await t.app.inject({ url: '/api/v1/keys', headers: bearer(t.adminKey) });
    expect(list.statusCode).toBe(200);
    const names = list.json().data.map((k: { name: string }) => k.name);
    expect(names).toEqual(expect.arrayContaining(['ci', 'laptop']));
    expect(JSON.stringify(list.json())).not.toContain(own.json().key);
  });

  it('revokes a key so it stops authenticating; revoking again answers it unchanged', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(t.adminKey), payload: { name: 'temp' } })).json();
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${created.id}`, headers: bearer(t.adminKey) });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(created.key) })).statusCode).toBe(401);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${created.id}`, headers: bearer(t.adminKey) });
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
  });

  it('stops a key that authenticated a moment ago (and is cached) at once when it is revoked', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(t.adminKey), payload: { name: 'warm' } })).json();
    expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(created.key) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${created.id}`, headers: bearer(t.adminKey) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(created.key) })).statusCode).toBe(401);
  });

  it('refuses to revoke the key making the request', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(t.adminKey), payload: { name: 'self' } })).json();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${created.id}`, headers: bearer(created.key) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('key_in_use');
  });

  it('is for admins only, and other teams’ keys and members are not found', async () => {
    for (const [method, url] of [['GET', '/api/v1/keys'], ['POST', '/api/v1/keys'], ['DELETE', '/api/v1/keys/key_x']] as const) {
      const res = await t.app.inject({ method, url, headers: bearer(labelerKey), payload: method === 'POST' ? {} : undefined });
      expect(res.statusCode).toBe(403);
    }
    const team = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: bearer(t.adminKey), payload: { name: 'Other' } });
    expect(team.statusCode).toBe(201);
    const otherKey = team.json().apiKey as string;
    const mine = (await t.app.inject({ url: '/api/v1/keys', headers: bearer(t.adminKey) })).json().data[0].id as string;
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${mine}`, headers: bearer(otherKey) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(otherKey), payload: { memberId: labelerId } })).statusCode).toBe(404);
    const theirs = (await t.app.inject({ url: '/api/v1/keys', headers: bearer(otherKey) })).json().data;
    expect(theirs.every((k: { member: { id: string } }) => k.member.id !== labelerId)).toBe(true);
  });
});
