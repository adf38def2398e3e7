import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addMember } from '../helpers/team-fixtures.js';

describe.each(BACKENDS)('least privilege (%s)', (backend) => {
  let t: TestApp;
  let secondAdminKey: string;
  let instanceAdminId: string;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp(backend);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    secondAdminKey = await addMember(t.app, t.adminKey, 'admin');
    instanceAdminId = (await t.app.inject({ url: '/api/v1/me', headers: bearer(t.adminKey) })).json().member.id;
  });
  afterAll(async () => t.close());

  const call = (key: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(key), ...(payload ? { payload } : {}) });

  describe('privilege escalation to instance admin', () => {
    it('refuses a plain admin minting a key for the instance admin (403), so POST /teams stays out of reach', async () => {
      const minted = await call(secondAdminKey, 'POST', '/keys', { memberId: instanceAdminId, name: 'escalate' });
      expect(minted.statusCode).toBe(403);
      expect(minted.json().error.code).toBe('forbidden');
      expect((await call(secondAdminKey, 'POST', '/teams', { name: 'Mine' })).statusCode).toBe(403);
      expect((await call(secondAdminKey, 'GET', '/me')).json().member.instanceAdmin).toBe(false);
    });

    it("hides the instance admin's keys from a plain admin and refuses to revoke them (403)", async () => {
      const own = await call(t.adminKey, 'POST', '/keys', { name: 'instance-admin-ci' });
      expect(own.statusCode).toBe(201);
      const listed = await call(secondAdminKey, 'GET', '/keys?limit=100');
      expect(listed.statusCode).toBe(200);
      const members = listed.json().data.map((k: { member: { id: string } }) => k.member.id);
      expect(members).not.toContain(instanceAdminId);
      expect(members.length).toBeGreaterThan(0);
      const revoke = await call(secondAdminKey, 'DELETE', `/keys/${own.json().id}`);
      expect(revoke.statusCode).toBe(403);
      expect((await call(own.json().key, 'GET', '/me')).statusCode).toBe(200);
    });

    it("lets the instance admin manage its own keys and a plain admin manage every other member's", async () => {
      const own = await call(t.adminKey, 'POST', '/keys', { memberId: instanceAdminId, name: 'mine' });
      expect(own.statusCode).toBe(201);
      const listed = await call(t.adminKey, 'GET', '/keys?limit=100');
      expect(listed.json().data.map((k: { id: string }) => k.id)).toContain(own.json().id);
      expect((await call(t.adminKey, 'DELETE', `/keys/${own.json().id}`)).statusCode).toBe(200);

      const labelerKey = await addMember(t.app, secondAdminKey, 'labeler');
      const labelerId = (await call(labelerKey, 'GET', '/me')).json().member.id;
      const forLabeler = await call(secondAdminKey, 'POST', '/keys', { memberId: labelerId });
      expect(forLabeler.statusCode).toBe(201);
      expect((await call(secondAdminKey, 'DELETE', `/keys/${forLabeler.json().id}`)).statusCode).toBe(200);
    });

    it('grants instance-admin rights to nobody through the API: new members and team admins never have them', async () => {
      const created = await call(t.adminKey, 'POST', '/members', { email: 'x@y.test', role: 'admin', instanceAdmin: true });
      expect(created.statusCode).toBe(422);
      const team = await call(t.adminKey, 'POST', '/teams', { name: 'Another' });
      expect(team.json().admin.instanceAdmin).toBe(false);
      const members = await call(t.adminKey, 'GET', '/members?limit=100');
      expect(members.json().data.filter((m: { instanceAdmin: boolean }) => m.instanceAdmin)).toHaveLength(1);
    });
  });

  describe('a revoked key keeps its open event stream', () => {
    it('ends the stream of a revoked key within the key-cache time (2 s), and leaves other streams open', async () => {
      const doomed = (await call(t.adminKey, 'POST', '/keys', { name: 'stream-doomed' })).json();
      const kept = (await call(t.adminKey, 'POST', '/keys', { name: 'stream-kept' })).json();
      const open = async (key: string) => {
        const res = await fetch(`${base}/api/v1/events/stream`, { headers: bearer(key) });
        expect(res.status).toBe(200);
        let ended = false;
        const reader = res.body!.getReader();
        const done = (async () => {
          try {
            while (!(await reader.read()).done);
          } catch {
            // cut off by cancel()
          }
          ended = true;
        })();
        return { ended: () => ended, done, cancel: () => reader.cancel() };
      };
      const a = await open(doomed.key);
      const b = await open(kept.key);
      expect((await call(t.adminKey, 'DELETE', `/keys/${doomed.id}`)).statusCode).toBe(200);
      for (let i = 0; i < 200 && !a.ended(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(a.ended()).toBe(true);
      expect(b.ended()).toBe(false);
      await b.cancel();
      await b.done;
    });

    it('ends the stream when the key is revoked by another process (a direct database change)', async () => {
      const doomed = (await call(t.adminKey, 'POST', '/keys', { name: 'elsewhere' })).json();
      const res = await fetch(`${base}/api/v1/events/stream`, { headers: bearer(doomed.key) });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await t.ctx.store.db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', doomed.id).execute();
      let ended = false;
      const reading = (async () => {
        while (!(await reader.read()).done);
        ended = true;
      })();
      for (let i = 0; i < 200 && !ended; i++) await new Promise((r) => setTimeout(r, 25));
      expect(ended).toBe(true);
      await reading;
    });
  });
});
