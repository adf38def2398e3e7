import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { insertDelivery } from '../helpers/delivery-rows.js';

// 2025-01-15T10:00:30Z: half a minute into a minute bucket.
const NOW = Date.UTC(2025, 0, 15, 10, 0, 30);
const MIN = 60_000;

interface Stats {
  window: string;
  bucketMs: number;
  from: number;
  to: number;
  buckets: { t: number; succeeded: number; failed: number; retrying: number; p50Ms: number | null; p99Ms: number | null }[];
}

describe.each(BACKENDS)('delivery statistics for the console charts (%s)', (backend) => {
  let t: TestApp;
  let teamId: string;

  async function webhook(url = 'http://127.0.0.1:9/hook'): Promise<string> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(t.adminKey), payload: { url, events: ['*'] } });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string }>().id;
  }

  async function stats(query: string, key = t.adminKey) {
    return t.app.inject({ url: `/api/v1/stats/deliveries?${query}`, headers: bearer(key) });
  }

  beforeEach(async () => {
    t = await createTestApp(backend, { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'test-secret-key-0123456789abcdef' }, { clock: () => NOW });
    teamId = (await t.app.inject({ url: '/api/v1/me', headers: bearer(t.adminKey) })).json<{ team: { id: string } }>().team.id;
  });
  afterEach(async () => t.close());

  it('answers 60 one-minute buckets for the last hour and 96 quarter-hour buckets for the last day, ending with the current one', async () => {
    const hour = (await stats('window=hour')).json<Stats>();
    expect(hour.bucketMs).toBe(MIN);
    expect(hour.buckets).toHaveLength(60);
    expect(hour.buckets.at(-1)!.t).toBe(Date.UTC(2025, 0, 15, 10, 0, 0));
    expect(hour.buckets.every((b, i) => b.t === hour.from + i * MIN)).toBe(true);
    expect(hour.to).toBeGreaterThan(NOW);
    expect(hour.buckets.every((b) => b.succeeded + b.failed + b.retrying === 0 && b.p50Ms === null)).toBe(true);
    const day = (await stats('window=day')).json<Stats>();
    expect(day.bucketMs).toBe(15 * MIN);
    expect(day.buckets).toHaveLength(96);
  });

  it('counts attempts by outcome: succeeded, retried, and failed when the delivery gave up', async () => {
    const wh = await webhook();
    const at = NOW - 5 * MIN; // 09:55:30, bucket 09:55
    await insertDelivery(t.ctx.store.db, {
      teamId, webhookId: wh, eventType: 'TASKS_CREATED', status: 'succeeded', createdAt: at,
      attempts: [{ at, outcome: 'retryable', durationMs: 30 }, { at: at + 1000, outcome: 'ok', durationMs: 10 }],
    });
    await insertDelivery(t.ctx.store.db, {
      teamId, webhookId: wh, eventType: 'TASKS_CREATED', status: 'failed', createdAt: at,
      attempts: [{ at, outcome: 'retryable', durationMs: 20 }, { at: at + 2000, outcome: 'retryable', durationMs: 40 }],
    });
    await insertDelivery(t.ctx.store.db, {
      teamId, webhookId: wh, eventType: 'PING', status: 'failed', createdAt: at,
      attempts: [{ at: at + 3000, outcome: 'permanent', status: 410, durationMs: 50 }],
    });
    // Older than the window: not counted.
    await insertDelivery(t.ctx.store.db, {
      teamId, webhookId: wh, eventType: 'PING', status: 'succeeded', createdAt: NOW - 2 * 3_600_000,
      attempts: [{ at: NOW - 2 * 3_600_000, outcome: 'ok', durationMs: 5 }],
    });
    const hour = (await stats('window=hour')).json<Stats>();
    const bucket = hour.buckets.find((b) => b.t === Date.UTC(2025, 0, 15, 9, 55))!;
    expect(bucket).toMatchObject({ succeeded: 1, retrying: 2, failed: 2 });
    const total = hour.buckets.reduce((n, b) => n + b.succeeded + b.failed + b.retrying, 0);
    expect(total).toBe(5);
    // Durations 10, 20, 30, 40, 50: nearest-rank p50 is 30, p99 is 50.
    expect(bucket).toMatchObject({ p50Ms: 30, p99Ms: 50 });
    const day = (await stats('window=day')).json<Stats>();
    expect(day.buckets.reduce((n, b) => n + b.succeeded, 0)).toBe(2);
  });

  it('computes latency percentiles per bucket', async () => {
    const wh = await webhook();
    const at = NOW - 10 * MIN;
    await insertDelivery(t.ctx.store.db, {
      teamId, webhookId: wh, eventType: 'PING', status: 'succeeded', createdAt: at,
      attempts: Array.from({ length: 100 }, (_, i) => ({ at: at + i, outcome: 'ok' as const, durationMs: 100 - i })),
    });
    const hour = (await stats('window=hour')).json<Stats>();
    const bucket = hour.buckets.find((b) => b.t === Math.floor(at / MIN) * MIN)!;
    expect(bucket).toMatchObject({ succeeded: 100, p50Ms: 50, p99Ms: 99 });
  });

  it('narrows to one webhook, and answers 404 for a webhook of another team', async () => {
    const a = await webhook('http://127.0.0.1:9/a');
    const b = await webhook('http://127.0.0.1:9/b');
    const at = NOW - MIN;
    await insertDelivery(t.ctx.store.db, { teamId, webhookId: a, eventType: 'PING', status: 'succeeded', createdAt: at, attempts: [{ at, outcome: 'ok', durationMs: 1 }] });
    await insertDelivery(t.ctx.store.db, { teamId, webhookId: b, eventType: 'PING', status: 'failed', createdAt: at, attempts: [{ at, outcome: 'permanent', durationMs: 1 }] });
    const onlyA = (await stats(`window=hour&webhookId=${a}`)).json<Stats>();
    expect(onlyA.buckets.reduce((n, x) => n + x.succeeded + x.failed, 0)).toBe(1);
    expect(onlyA.buckets.reduce((n, x) => n + x.failed, 0)).toBe(0);

    const other = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: bearer(t.adminKey), payload: { name: 'Other' } });
    const otherKey = other.json<{ apiKey: string }>().apiKey;
    expect((await stats(`window=hour&webhookId=${a}`, otherKey)).statusCode).toBe(404);
    const theirs = (await stats('window=hour', otherKey)).json<Stats>();
    expect(theirs.buckets.reduce((n, x) => n + x.succeeded + x.failed, 0)).toBe(0);
  });

  it('gives each webhook its success rate over the last day', async () => {
    const a = await webhook('http://127.0.0.1:9/a');
    const at = NOW - 3_600_000;
    await insertDelivery(t.ctx.store.db, {
      teamId, webhookId: a, eventType: 'PING', status: 'succeeded', createdAt: at,
      attempts: [{ at, outcome: 'retryable', durationMs: 1 }, { at, outcome: 'retryable', durationMs: 1 }, { at, outcome: 'ok', durationMs: 1 }, { at, outcome: 'ok', durationMs: 1 }],
    });
    const res = await t.app.inject({ url: '/api/v1/stats/webhooks', headers: bearer(t.adminKey) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: [{ webhookId: a, succeeded: 2, failed: 2, total: 4, successRate: 0.5 }] });
  });

  it('is for admins: a labeler gets 403, a bad window 400', async () => {
    const member = await t.app.inject({ method: 'POST', url: '/api/v1/members', headers: bearer(t.adminKey), payload: { email: 'l@example.com', role: 'labeler' } });
    const key = member.json<{ apiKey: string }>().apiKey;
    expect((await stats('window=hour', key)).statusCode).toBe(403);
    expect((await stats('window=week')).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/stats/deliveries' })).statusCode).toBe(401);
  });
});
