import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember, addTeam } from '../helpers/team-fixtures.js';

describe.each(BACKENDS)('teams, members and me (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t.close());

  const post = (url: string, key: string | null, payload: unknown) =>
    t.app.inject({ method: 'POST', url, headers: key ? bearer(key) : {}, payload: payload as object });

  describe('POST /teams', () => {
    it('lets the instance admin create a team whose answered key is an admin of that new team', async () => {
      const res = await post('/api/v1/teams', t.adminKey, { name: 'Acme ML' });
      expect(res.statusCode).toBe(201);
      const team = res.json();
      expect(team).toMatchObject({ name: 'Acme ML', admin: { role: 'admin', email: `admin@${team.id}.local`, teamId: team.id } });
      expect(team.apiKey).toMatch(/^lh_/);
      const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(team.apiKey) });
      expect(me.json()).toEqual({
        member: { id: team.admin.id, num: team.admin.num, email: `admin@${team.id}.local`, name: 'Team admin', role: 'admin', instanceAdmin: false },
        team: { id: team.id, num: team.num, name: 'Acme ML' },
      });
    });

    it('uses a given adminEmail for the first admin', async () => {
      const res = await post('/api/v1/teams', t.adminKey, { name: 'Beta', adminEmail: 'Lead@Beta.example', adminName: 'Lead' });
      expect(res.statusCode).toBe(201);
      expect(res.json().admin).toMatchObject({ email: 'lead@beta.example', name: 'Lead' });
    });

    it('refuses a team admin who is not the instance admin (403)', async () => {
      const other = await addTeam(t.app, t.adminKey);
      const res = await post('/api/v1/teams', other.apiKey, { name: 'Nope' });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    });

    it('refuses a missing or blank name (422) and creates nothing', async () => {
      const before = await t.ctx.store.db.selectFrom('teams').select('id').execute();
      const missing = await post('/api/v1/teams', t.adminKey, {});
      expect(missing.statusCode).toBe(422);
      expect(missing.json().error.code).toBe('validation_failed');
      const blank = await post('/api/v1/teams', t.adminKey, { name: '   ' });
      expect(blank.statusCode).toBe(422);
      expect((await t.ctx.store.db.selectFrom('teams').select('id').execute()).length).toBe(before.length);
    });

    it('refuses a request without a key (401)', async () => {
      expect((await post('/api/v1/teams', null, { name: 'x' })).statusCode).toBe(401);
    });
  });

  describe('POST /members', () => {
    it('adds a member whose key works and carries the role', async () => {
      const res = await post('/api/v1/members', t.adminKey, { email: 'ann@example.test', name: 'Ann', role: 'labeler' });
      expect(res.statusCode).toBe(201);
      const m = res.json();
      expect(m).toMatchObject({ email: 'ann@example.test', name: 'Ann', role: 'labeler', instanceAdmin: false });
      expect(m.id).toMatch(/^mem_/);
      const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(m.apiKey) });
      expect(me.json().member).toMatchObject({ id: m.id, role: 'labeler' });
    });

    it('stores only a hash of the key', async () => {
      const res = await post('/api/v1/members', t.adminKey, { email: 'hash@example.test', role: 'reviewer' });
      const rows = await t.ctx.store.db.selectFrom('api_keys').select('key_hash').where('member_id', '=', res.json().id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.key_hash).not.toContain(res.json().apiKey);
      expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('answers 409 member_exists for an email already in the team, whatever its case', async () => {
      await post('/api/v1/members', t.adminKey, { email: 'dup@example.test', role: 'labeler' });
      const res = await post('/api/v1/members', t.adminKey, { email: 'DUP@example.test', role: 'reviewer' });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('member_exists');
    });

    it('allows the same email in another team', async () => {
      const other = await addTeam(t.app, t.adminKey);
      await post('/api/v1/members', t.adminKey, { email: 'shared@example.test', role: 'labeler' });
      const res = await post('/api/v1/members', other.apiKey, { email: 'shared@example.test', role: 'labeler' });
      expect(res.statusCode).toBe(201);
      expect(res.json().teamId).toBe(other.id);
    });

    it('refuses an unknown role or a bad email (422)', async () => {
      const role = await post('/api/v1/members', t.adminKey, { email: 'x@example.test', role: 'owner' });
      expect(role.statusCode).toBe(422);
      expect(role.json().error.code).toBe('validation_failed');
      const email = await post('/api/v1/members', t.adminKey, { email: 'not-an-email', role: 'labeler' });
      expect(email.statusCode).toBe(422);
    });

    it('refuses labelers and reviewers (403)', async () => {
      for (const role of ['labeler', 'reviewer'] as const) {
        const key = await addMember(t.app, t.adminKey, role);
        const res = await post('/api/v1/members', key, { email: `by-${role}@example.test`, role: 'admin' });
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
    });

    it('refuses a request without a key (401)', async () => {
      expect((await post('/api/v1/members', null, { email: 'a@b.c', role: 'labeler' })).statusCode).toBe(401);
    });
  });

  describe('GET /members', () => {
    it("lists only the caller's team's members, paginated", async () => {
      const other = await addTeam(t.app, t.adminKey);
      await addMember(t.app, other.apiKey, 'labeler');
      await addMember(t.app, other.apiKey, 'reviewer');
      const first = await t.app.inject({ url: '/api/v1/members?limit=2', headers: bearer(other.apiKey) });
      expect(first.statusCode).toBe(200);
      expect(first.json().data).toHaveLength(2);
      expect(first.json().nextCursor).toEqual(expect.any(String));
      const second = await t.app.inject({ url: `/api/v1/members?limit=2&cursor=${first.json().nextCursor}`, headers: bearer(other.apiKey) });
      expect(second.json()).toMatchObject({ nextCursor: null });
      const all = [...first.json().data, ...second.json().data];
      expect(all.map((m: { role: string }) => m.role).sort()).toEqual(['admin', 'labeler', 'reviewer']);
      expect(all.every((m: { teamId: string }) => m.teamId === other.id)).toBe(true);
    });

    it('refuses labelers (403), a bad limit (400) and no key (401)', async () => {
      const key = await addMember(t.app, t.adminKey, 'labeler');
      expect((await t.app.inject({ url: '/api/v1/members', headers: bearer(key) })).statusCode).toBe(403);
      expect((await t.app.inject({ url: '/api/v1/members?limit=0', headers: bearer(t.adminKey) })).statusCode).toBe(400);
      expect((await t.app.inject({ url: '/api/v1/members' })).statusCode).toBe(401);
    });
  });

  it('GET /me answers 401 without a key', async () => {
    expect((await t.app.inject({ url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('lists the routes in /openapi.json', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/teams', '/api/v1/members', '/api/v1/me']));
    expect(doc.paths['/api/v1/teams'].post.responses['201']).toBeDefined();
  });
});
