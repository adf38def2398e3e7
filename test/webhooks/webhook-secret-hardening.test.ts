import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createSecretBox } from '../../src/webhooks/transport/secret-box.js';
import { createWebhook, startReceiver, useEngineApp } from './receiver.js';

const url = 'http://127.0.0.1:9/hook';

describe.each(BACKENDS)('webhook secret hardening (%s)', (backend) => {
  const app = useEngineApp(backend);

  /** Re-seals the webhook's secret with another key: what an altered byte or a changed LABELHOOK_SECRET_KEY looks like. */
  async function spoilSecret(id: string): Promise<void> {
    const foreign = createSecretBox('a-different-secret-key-0123456789').seal('whsec_' + Buffer.alloc(24, 1).toString('base64'));
    await app.t.ctx.store.db.updateTable('webhooks').set({ secret_enc: foreign }).where('id', '=', id).execute();
  }

  describe('one bad row breaks a list', () => {
    it('lists an undecryptable webhook with secretUnreadable instead of a 500 for its neighbours', async () => {
      const good = await createWebhook(app, { url, events: ['*'], description: 'good' });
      const bad = await createWebhook(app, { url, events: ['*'], description: 'bad', headers: { 'X-Token': 'abc' } });
      await spoilSecret(bad.id);

      const list = await app.api('GET', '/webhooks?limit=100');
      expect(list.status).toBe(200);
      const byId = new Map(list.json.data.map((w: { id: string }) => [w.id, w]));
      expect(byId.get(good.id)).toMatchObject({ secretUnreadable: false });
      expect(byId.get(bad.id)).toMatchObject({ secretUnreadable: true, description: 'bad', headers: { 'X-Token': '<redacted>' } });

      const one = await app.api('GET', `/webhooks/${bad.id}`);
      expect(one.status).toBe(200);
      expect(one.json.secretUnreadable).toBe(true);
    });

    it('answers 409 secret_unreadable for its secret and test sends, and a rotation repairs it', async () => {
      const receiver = await startReceiver();
      try {
        const bad = await createWebhook(app, { url: receiver.url, events: ['*'] });
        await spoilSecret(bad.id);
        for (const [method, path] of [['GET', 'secret'], ['POST', 'test']] as const) {
          const res = await app.api(method, `/webhooks/${bad.id}/${path}`, method === 'POST' ? {} : undefined);
          expect(res.status).toBe(409);
          expect(res.json.error.code).toBe('secret_unreadable');
        }
        expect(receiver.received).toHaveLength(0);
        const patched = await app.api('PATCH', `/webhooks/${bad.id}`, { description: 'still editable' });
        expect(patched.status).toBe(200);

        const rotated = await app.api('POST', `/webhooks/${bad.id}/rotate-secret`, {});
        expect(rotated.status).toBe(200);
        expect(rotated.json.previousSecret).toBeNull();
        expect((await app.api('GET', `/webhooks/${bad.id}`)).json.secretUnreadable).toBe(false);
        const test = await app.api('POST', `/webhooks/${bad.id}/test`, {});
        expect(test.json.ok).toBe(true);
        const got = receiver.received[0]!;
        expect(() => new StandardWebhook(rotated.json.secret).verify(got.body, got.headers as Record<string, string>)).not.toThrow();
      } finally {
        await receiver.close();
      }
    });
  });

  describe('weak signing secrets are accepted', () => {
    it.each([
      ['an empty whsec_ key', 'whsec_'],
      ['a 0-byte whsec_A', 'whsec_A'],
      ['invalid base64', 'whsec_!!!!'],
      ['3 bytes of key', 'whsec_AAAA'],
      ['23 bytes of key', `whsec_${Buffer.alloc(23, 7).toString('base64')}`],
      ['65 bytes of key', `whsec_${Buffer.alloc(65, 7).toString('base64')}`],
      ['unpadded base64 with a stray character', `whsec_${Buffer.alloc(24, 7).toString('base64')}*`],
      ['a 6-character raw secret', 'aaaaaa'],
      ['a 23-character raw secret', 'a'.repeat(23)],
      ['a raw secret with a space', `${'a'.repeat(24)} b`],
    ])('refuses %s with 422 invalid_secret saying why', async (_what, secret) => {
      const created = await app.api('POST', '/webhooks', { url, events: ['*'], secret });
      expect(created.status).toBe(422);
      expect(created.json.error.code).toBe('invalid_secret');
      expect(created.json.error.message).toMatch(/bytes|base64|printable/);
      const hook = await createWebhook(app, { url, events: ['*'] });
      const rotated = await app.api('POST', `/webhooks/${hook.id}/rotate-secret`, { secret });
      expect(rotated.status).toBe(422);
      expect(rotated.json.error.code).toBe('invalid_secret');
    });

    it.each([
      ['24 bytes in whsec_ form', `whsec_${Buffer.alloc(24, 9).toString('base64')}`],
      ['64 bytes in whsec_ form', `whsec_${Buffer.alloc(64, 9).toString('base64')}`],
      ['a 24-character raw secret', 'r'.repeat(24)],
    ])('accepts %s', async (_what, secret) => {
      const created = await app.api('POST', '/webhooks', { url, events: ['*'], secret });
      expect(created.status).toBe(201);
      expect(created.json.secret).toBe(secret);
    });

    it('generates 32-byte whsec_ secrets', async () => {
      const hook = await createWebhook(app, { url, events: ['*'] });
      expect(Buffer.from(hook.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      const rotated = await app.api('POST', `/webhooks/${hook.id}/rotate-secret`, {});
      expect(Buffer.from((rotated.json.secret as string).slice('whsec_'.length), 'base64')).toHaveLength(32);
    });
  });
});
