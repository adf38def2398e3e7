import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer } from '../helpers/app.js';
import { createProject, createWebhook, startReceiver, useEngineApp } from './receiver.js';

describe.each(BACKENDS)('webhooks API (%s)', (backend) => {
  const app = useEngineApp(backend);
  const url = 'http://127.0.0.1:9/hook';

  it('creates a webhook, answering its generated whsec_ secret once; reads and lists never show it', async () => {
    const created = await createWebhook(app, { url, events: ['*'], description: 'all events' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ url, events: ['*'], format: 'standard', enabled: true, sendPayload: true, ordered: false, blocking: false, failMode: 'open', projectId: null });
    const read = await app.api('GET', `/webhooks/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.json.secret).toBeUndefined();
    expect(JSON.stringify(read.json)).not.toContain(created.secret);
    const list = await app.api('GET', '/webhooks');
    expect(list.json.data.map((w: { id: string }) => w.id)).toContain(created.id);
    expect(JSON.stringify(list.json)).not.toContain(created.secret);
    const secret = await app.api('GET', `/webhooks/${created.id}/secret`);
    expect(secret.json).toEqual({ secret: created.secret, previousSecret: null, previousSecretExpiresAt: null });
  });

  it('rotates the secret keeping the previous one during the overlap', async () => {
    const created = await createWebhook(app, { url, events: ['PING'] });
    const rotated = await app.api('POST', `/webhooks/${created.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(created.secret);
    expect(rotated.json.previousSecret).toBe(created.secret);
    expect(Date.parse(rotated.json.previousSecretExpiresAt)).toBeGreaterThan(Date.now());
  });

  it('updates, disables and deletes a webhook', async () => {
    const created = await createWebhook(app, { url, events: ['TASKS_CREATED'] });
    const patched = await app.api('PATCH', `/webhooks/${created.id}`, { events: ['TASKS_CREATED', 'TASKS_DELETED'], enabled: false, batch: { maxSize: 10, maxWaitMs: 100 } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ events: ['TASKS_CREATED', 'TASKS_DELETED'], enabled: false, batch: { maxSize: 10, maxWaitMs: 100 } });
    expect((await app.api('DELETE', `/webhooks/${created.id}`)).status).toBe(204);
    expect((await app.api('GET', `/webhooks/${created.id}`)).status).toBe(404);
  });

  it('scopes a webhook to a project of the team, and refuses an unknown project', async () => {
    const projectId = await createProject(app);
    const scoped = await createWebhook(app, { url, events: ['*'], projectId });
    expect(scoped.projectId).toBe(projectId);
    const bad = await app.api('POST', '/webhooks', { url, events: ['*'], projectId: 'prj_nope' });
    expect(bad.status).toBe(422);
  });

  it.each([
    ['an unknown event type', { events: ['TASKS_EXPLODED'] }, 'unknown_event_type'],
    ['a header name with a space', { headers: { 'X Bad': 'v' } }, 'invalid_header'],
    ['a header value with CR/LF', { headers: { 'X-Token': 'a\r\nInjected: 1' } }, 'invalid_header'],
    ['a content-type override', { headers: { 'Content-Type': 'text/plain' } }, 'invalid_header'],
    ['a webhook-* override', { headers: { 'Webhook-Signature': 'v1,forged' } }, 'invalid_header'],
    ['an x-datasaur-signature override', { headers: { 'X-Datasaur-Signature': 'x' } }, 'invalid_header'],
    ['a user-agent override', { headers: { 'User-Agent': 'x' } }, 'invalid_header'],
    ['a host override', { headers: { Host: 'evil' } }, 'invalid_header'],
    ['a hop-by-hop header', { headers: { 'Transfer-Encoding': 'chunked' } }, 'invalid_header'],
    ['more than 20 headers', { headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) }, null],
    ['blocking without BEFORE_UPDATE_LABELS', { events: ['TASKS_CREATED'], blocking: true }, 'invalid_blocking'],
    ['a batch larger than 1000', { batch: { maxSize: 1001, maxWaitMs: 10 } }, null],
    ['a batch wait over 60 s', { batch: { maxSize: 10, maxWaitMs: 60_001 } }, null],
    ['an unknown format', { format: 'zapier' }, 'unknown_format'],
    ['a private target', { url: 'http://10.0.0.1/hook' }, 'target_not_allowed'],
    ['a non-http URL', { url: 'ftp://127.0.0.1/hook' }, 'invalid_url'],
  ])('refuses %s with 422', async (_name, patch, code) => {
    const res = await app.api('POST', '/webhooks', { url, events: ['*'], ...patch });
    expect(res.status).toBe(422);
    if (code) expect(res.json.error.code).toBe(code);
  });

  it('accepts ordinary custom headers and never shows their values', async () => {
    const created = await createWebhook(app, { url, events: ['*'], headers: { Authorization: 'Bearer top-secret-token', 'X-Team': 'ml' } });
    expect(created.headers).toEqual({ Authorization: '<redacted>', 'X-Team': '<redacted>' });
    expect(JSON.stringify((await app.api('GET', `/webhooks/${created.id}`)).json)).not.toContain('top-secret-token');
  });

  it('is for admins only (403 for a labeler)', async () => {
    const member = await app.api('POST', '/members', { email: 'lab@example.com', role: 'labeler' });
    expect(member.status).toBe(201);
    const res = await app.t.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: bearer(member.json.apiKey) });
    expect(res.statusCode).toBe(403);
  });

  it('sends a PING on test and answers the attempt', async () => {
    const receiver = await startReceiver();
    try {
      const created = await createWebhook(app, { url: `${receiver.url}/ping`, events: ['*'] });
      const res = await app.api('POST', `/webhooks/${created.id}/test`, {});
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ ok: true, responseStatus: 200, responseBody: 'ok', attemptNo: 1 });
      expect(receiver.received).toHaveLength(1);
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'PING', data: { webhookId: created.id } });
      const log = await app.api('GET', `/webhooks/${created.id}/deliveries`);
      expect(log.json.data).toHaveLength(1);
      expect(log.json.data[0]).toMatchObject({ eventType: 'PING', status: 'succeeded' });
    } finally {
      await receiver.close();
    }
  });

  it('pages and filters the delivery log', async () => {
    const receiver = await startReceiver((_req, res) => {
      res.statusCode = receiver.received.length === 2 ? 500 : 200;
      res.end();
    });
    try {
      const created = await createWebhook(app, { url: receiver.url, events: ['*'] });
      for (let i = 0; i < 3; i++) await app.api('POST', `/webhooks/${created.id}/test`, {});
      const first = await app.api('GET', `/webhooks/${created.id}/deliveries?limit=2`);
      expect(first.json.data).toHaveLength(2);
      expect(first.json.nextCursor).toEqual(expect.any(String));
      const second = await app.api('GET', `/webhooks/${created.id}/deliveries?limit=2&cursor=${first.json.nextCursor}`);
      expect(second.json.data).toHaveLength(1);
      expect(second.json.nextCursor).toBeNull();
      const ids = [...first.json.data, ...second.json.data].map((d: { id: string }) => d.id);
      expect(new Set(ids).size).toBe(3);
      expect((await app.api('GET', `/webhooks/${created.id}/deliveries?status=failed`)).json.data).toHaveLength(1);
      expect((await app.api('GET', `/webhooks/${created.id}/deliveries?eventType=PING`)).json.data).toHaveLength(3);
      expect((await app.api('GET', `/webhooks/${created.id}/deliveries?eventType=TASKS_CREATED`)).json.data).toHaveLength(0);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await app.api('GET', `/webhooks/${created.id}/deliveries?since=${future}`)).json.data).toHaveLength(0);
      expect((await app.api('GET', `/deliveries/${ids[0]}`)).json.attempts).toHaveLength(1);
      expect((await app.api('GET', '/deliveries/dlv_unknown')).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  if (backend === 'sqlite') {
    it('stores secrets and custom header values encrypted: the database file does not contain them', async () => {
      const created = await createWebhook(app, { url, events: ['*'], secret: 'whsec_plaintextcanary0123456789abcdefg', headers: { 'X-Api-Key': 'header-canary-value-42' } });
      expect(created.secret).toBe('whsec_plaintextcanary0123456789abcdefg');
      const path = app.t.ctx.store.sqlitePath!;
      // Force the WAL into the main file so the check covers both.
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(app.t.ctx.store.db);
      for (const file of [path, `${path}-wal`]) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch {
          continue;
        }
        expect(bytes.includes('plaintextcanary')).toBe(false);
        expect(bytes.includes('header-canary-value-42')).toBe(false);
      }
    });
  }
});
