import { afterEach, describe, expect, it } from 'vitest';
import { timeOfId } from '../../src/metrics/attempt-sample.js';
import { newId } from '../../src/ids.js';
import { BACKENDS } from '../helpers/backends.js';
import { insertDelivery } from '../helpers/delivery-rows.js';
import { sleep } from '../helpers/wait.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type Receiver } from '../webhooks/receiver.js';

/** The value of one sample line (`name{labels} value`) in a Prometheus exposition, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return 0;
}

describe('ids carry their creation time', () => {
  it('timeOfId reads back the time newId encoded', () => {
    expect(timeOfId(newId('evt', 1_700_000_123_456))).toBe(1_700_000_123_456);
    expect(timeOfId('not-an-id')).toBeNull();
  });
});

describe.each(BACKENDS)('/metrics (%s)', (backend) => {
  const app = useEngineApp(backend, { retryScheduleMs: [20] });
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  const scrape = async (): Promise<string> => {
    const res = await app.t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  it('answers without an API key and stays out of the OpenAPI document', async () => {
    const text = await scrape();
    expect(text).toContain('# TYPE labelhook_deliveries_total counter');
    expect(text).toContain('# TYPE labelhook_delivery_attempt_duration_seconds histogram');
    const doc = await app.t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(doc.json().paths as object)).not.toContain('/metrics');
  });

  it('counts succeeded and failed deliveries by format, and attempt latencies', async () => {
    const before = await scrape();
    const ok = await startReceiver((_req, res) => res.end('ok'));
    const bad = await startReceiver((_req, res) => {
      res.statusCode = 500;
      res.end('no');
    });
    receivers.push(ok, bad);
    const projectId = await createProject(app);
    const good = await createWebhook(app, { url: ok.url, events: ['PROJECT_UPDATED'], projectId, format: 'datasaur' });
    const failing = await createWebhook(app, { url: bad.url, events: ['PROJECT_UPDATED'], projectId });
    await bump(app, projectId, 'one');
    await bump(app, projectId, 'two');
    await waitForDeliveries(app, good.id, (ds) => ds.length === 2 && ds.every((d) => d.status === 'succeeded'));
    await waitForDeliveries(app, failing.id, (ds) => ds.length === 2 && ds.every((d) => d.status === 'failed'));
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('labelhook_deliveries_total', { outcome: 'succeeded', format: 'datasaur' })).toBe(2);
    // Two deliveries, each tried once and retried once (the schedule has one step), then failed.
    expect(delta('labelhook_deliveries_total', { outcome: 'failed', format: 'standard' })).toBe(2);
    expect(delta('labelhook_delivery_attempts_total', { outcome: 'retry', format: 'standard' })).toBe(4);
    expect(delta('labelhook_delivery_attempts_total', { outcome: 'ok', format: 'datasaur' })).toBe(2);
    expect(delta('labelhook_delivery_attempt_duration_seconds_count', { format: 'datasaur' })).toBe(2);
    // First attempts only: 2 deliveries per webhook.
    expect(delta('labelhook_event_to_first_attempt_seconds_count')).toBe(4);
  });

  it('reads pending deliveries, their oldest age and disabled webhooks from the database', async () => {
    const projectId = await createProject(app);
    const ok = await startReceiver();
    receivers.push(ok);
    const hook = await createWebhook(app, { url: ok.url, events: ['PROJECT_UPDATED'], projectId });
    const before = await scrape();
    // A disabled webhook's pending delivery waits: nothing claims it, so the figures hold still to be read.
    expect((await app.api('PATCH', `/webhooks/${hook.id}`, { enabled: false })).status).toBe(200);
    const row = await app.t.ctx.store.db.selectFrom('webhooks').select('team_id').where('id', '=', hook.id).executeTakeFirstOrThrow();
    await insertDelivery(app.t.ctx.store.db, { teamId: row.team_id, webhookId: hook.id, eventType: 'PROJECT_UPDATED', status: 'pending', createdAt: Date.now() - 60_000, attempts: [] });
    // The snapshot serves a whole scrape for up to a second; let the previous one expire.
    await sleep(1100);
    const after = await scrape();
    expect(sample(after, 'labelhook_deliveries_pending') - sample(before, 'labelhook_deliveries_pending')).toBe(1);
    expect(sample(after, 'labelhook_webhooks_disabled') - sample(before, 'labelhook_webhooks_disabled')).toBe(1);
    expect(sample(after, 'labelhook_deliveries_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(60);
    expect(ok.received).toHaveLength(0);
  });
});
