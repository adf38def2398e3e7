import { fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer } from '../helpers/app.js';
import { insertDelivery } from '../helpers/delivery-rows.js';
import { addTeam } from '../helpers/team-fixtures.js';
import { createWebhook, startReceiver, useEngineApp } from './receiver.js';

describe.each(BACKENDS)('no limits where one team can hurt others (%s)', (backend) => {
  const app = useEngineApp(backend, { maxWebhooksPerTeam: 5, maxStreamsPerTeam: 3, webhookConcurrency: 4, requestTimeoutMs: 5000 });

  it('caps webhooks per team: past the cap a new one is 409 webhook_limit_reached, other teams unaffected', async () => {
    const url = 'http://127.0.0.1:9/hook';
    const existing = (await app.api('GET', '/webhooks?limit=100')).json.data.length as number;
    for (let i = existing; i < 5; i++) await createWebhook(app, { url, events: ['*'] });
    const refused = await app.api('POST', '/webhooks', { url, events: ['*'] });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'webhook_limit_reached', details: { limit: 5 } });
    const other = await addTeam(app.t.app, app.t.adminKey, 'Cap neighbour');
    const theirs = await app.t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(other.apiKey), payload: { url, events: ['*'] } });
    expect(theirs.statusCode).toBe(201);
    // Deleting one makes room again.
    const first = (await app.api('GET', '/webhooks?limit=1')).json.data[0];
    expect((await app.api('DELETE', `/webhooks/${first.id}`)).status).toBe(204);
    await createWebhook(app, { url, events: ['*'] });
  });

  it('caps open event streams per team: past the cap a new one is 429 stream_limit_reached', async () => {
    await app.t.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.t.app.server.address() as { port: number }).port}`;
    const controllers: AbortController[] = [];
    const openStream = async (key: string) => {
      const c = new AbortController();
      controllers.push(c);
      return fetch(`${base}/api/v1/events/stream`, { headers: bearer(key), signal: c.signal });
    };
    try {
      for (let i = 0; i < 3; i++) expect((await openStream(app.t.adminKey)).status).toBe(200);
      const refused = await openStream(app.t.adminKey);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('stream_limit_reached');
      const other = await addTeam(app.t.app, app.t.adminKey, 'Stream neighbour');
      expect((await openStream(other.apiKey)).status).toBe(200);
    } finally {
      for (const c of controllers) c.abort();
    }
    for (let i = 0; i < 200 && app.t.app.eventStreams.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(app.t.app.eventStreams.size).toBe(0);
  });

  it('counts test sends and redeliveries toward the webhook concurrency: 20 at once never put more than 4 in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const receiver = await startReceiver((_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 60);
    });
    try {
      const existing = (await app.api('GET', '/webhooks?limit=100')).json.data as { id: string }[];
      for (const w of existing) await app.api('DELETE', `/webhooks/${w.id}`);
      const hook = await createWebhook(app, { url: `${receiver.url}/hook`, events: ['PING'] });
      const answers = await Promise.all(Array.from({ length: 20 }, () => app.api('POST', `/webhooks/${hook.id}/test`, {})));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(receiver.received).toHaveLength(20);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(4);

      // Redeliveries take the same slots.
      most = 0;
      const teamId = (await app.api('GET', '/me')).json.team.id as string;
      const ids = await Promise.all(
        Array.from({ length: 12 }, () => insertDelivery(app.t.ctx.store.db, { teamId, webhookId: hook.id, eventType: 'PING', status: 'failed', createdAt: Date.now(), attempts: [] })),
      );
      const redelivered = await Promise.all(ids.map((id) => app.api('POST', `/deliveries/${id}/redeliver`)));
      expect(redelivered.map((a) => a.status)).toEqual(Array(12).fill(200));
      expect(receiver.received).toHaveLength(32);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(4);
    } finally {
      await receiver.close();
    }
  });
});
