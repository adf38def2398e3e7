import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { insertDelivery } from '../helpers/delivery-rows.js';

const NOW = Date.UTC(2025, 0, 15, 10, 0, 0);

interface DeliveryPage {
  data: { id: string; webhookId: string; eventType: string; status: string }[];
  nextCursor: string | null;
}

describe.each(BACKENDS)('team-wide delivery log GET /deliveries (%s)', (backend) => {
  let t: TestApp;
  let teamId: string;
  let a: string;
  let b: string;
  const ids: Record<string, string> = {};

  const list = async (query = '', key = t.adminKey) => t.app.inject({ url: `/api/v1/deliveries${query}`, headers: bearer(key) });

  beforeEach(async () => {
    t = await createTestApp(backend, { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'test-secret-key-0123456789abcdef' }, { clock: () => NOW });
    teamId = (await t.app.inject({ url: '/api/v1/me', headers: bearer(t.adminKey) })).json<{ team: { id: string } }>().team.id;
    const make = async (url: string) =>
      (await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(t.adminKey), payload: { url, events: ['*'] } })).json<{ id: string }>().id;
    a = await make('http://127.0.0.1:9/a');
    b = await make('http://127.0.0.1:9/b');
    const db = t.ctx.store.db;
    ids.old = await insertDelivery(db, { teamId, webhookId: a, eventType: 'TASKS_CREATED', status: 'succeeded', createdAt: NOW - 3_600_000, attempts: [] });
    ids.failedA = await insertDelivery(db, { teamId, webhookId: a, eventType: 'PROJECT_UPDATED', status: 'failed', createdAt: NOW - 60_000, attempts: [] });
    ids.okB = await insertDelivery(db, { teamId, webhookId: b, eventType: 'TASKS_CREATED', status: 'succeeded', createdAt: NOW - 30_000, attempts: [] });
  });
  afterEach(async () => t.close());

  it('lists every webhook’s deliveries, newest first', async () => {
    const page = (await list()).json<DeliveryPage>();
    expect(page.data.map((d) => d.id)).toEqual([ids.okB, ids.failedA, ids.old]);
    expect(page.nextCursor).toBeNull();
  });

  it('filters by status, event type, time and webhook', async () => {
    expect((await list('?status=failed')).json<DeliveryPage>().data.map((d) => d.id)).toEqual([ids.failedA]);
    expect((await list('?eventType=TASKS_CREATED')).json<DeliveryPage>().data.map((d) => d.id)).toEqual([ids.okB, ids.old]);
    const since = new Date(NOW - 120_000).toISOString();
    expect((await list(`?since=${since}`)).json<DeliveryPage>().data.map((d) => d.id)).toEqual([ids.okB, ids.failedA]);
    expect((await list(`?webhookId=${a}`)).json<DeliveryPage>().data.map((d) => d.id)).toEqual([ids.failedA, ids.old]);
    expect((await list('?status=nope')).statusCode).toBe(400);
  });

  it('pages with nextCursor', async () => {
    const first = (await list('?limit=2')).json<DeliveryPage>();
    expect(first.data.map((d) => d.id)).toEqual([ids.okB, ids.failedA]);
    const second = (await list(`?limit=2&cursor=${first.nextCursor}`)).json<DeliveryPage>();
    expect(second.data.map((d) => d.id)).toEqual([ids.old]);
    expect(second.nextCursor).toBeNull();
  });

  it("never shows another team's deliveries", async () => {
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: bearer(t.adminKey), payload: { name: 'Other' } });
    const page = (await list('', other.json<{ apiKey: string }>().apiKey)).json<DeliveryPage>();
    expect(page.data).toEqual([]);
  });
});
