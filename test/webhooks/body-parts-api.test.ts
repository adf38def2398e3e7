import { afterEach, describe, expect, it } from 'vitest';
import { BODY_LIMITS } from '../../src/webhooks/admin/body-limit.js';
import { BACKENDS } from '../helpers/backends.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type Receiver } from './receiver.js';

// maxBodyBytes on the API, content left out of a record too large alone, batches that close before they overflow,
// and parts redelivered and replayed one by one.

type StandardPart = { data: { id: string; documents: { id: string; key: string; text?: string; contentOmitted?: string[]; contentPath?: string }[]; part?: { eventId: string; index: number; count: number } } };

describe.each(BACKENDS)('body-size limit and parts (%s)', (backend) => {
  const app = useEngineApp(backend);
  const receivers: Receiver[] = [];
  const receiver = async (): Promise<Receiver> => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('defaults maxBodyBytes to 100 kB and accepts values within the bounds on create and update', async () => {
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: 'http://127.0.0.1:9/hook', events: ['TASKS_CREATED'], projectId });
    expect(hook.maxBodyBytes).toBe(102_400);
    const low = await createWebhook(app, { url: 'http://127.0.0.1:9/hook', events: ['TASKS_CREATED'], projectId, maxBodyBytes: BODY_LIMITS.min });
    expect(low.maxBodyBytes).toBe(4096);
    const patched = await app.api('PATCH', `/webhooks/${hook.id}`, { maxBodyBytes: BODY_LIMITS.max });
    expect(patched.status).toBe(200);
    expect(patched.json.maxBodyBytes).toBe(10 * 1024 * 1024);
    expect((await app.api('GET', `/webhooks/${hook.id}`)).json.maxBodyBytes).toBe(10 * 1024 * 1024);
  });

  it.each([BODY_LIMITS.min - 1, BODY_LIMITS.max + 1, 0, -5])('answers 422 invalid_max_body_bytes with the bounds for %s', async (value) => {
    const projectId = await createProject(app);
    const res = await app.api('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['TASKS_CREATED'], projectId, maxBodyBytes: value });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({ code: 'invalid_max_body_bytes', details: { maxBodyBytes: value, min: 4096, max: 10_485_760 } });
    const hook = await createWebhook(app, { url: 'http://127.0.0.1:9/hook', events: ['TASKS_CREATED'], projectId });
    const patch = await app.api('PATCH', `/webhooks/${hook.id}`, { maxBodyBytes: value });
    expect(patch.status).toBe(422);
    expect(patch.json.error.code).toBe('invalid_max_body_bytes');
    expect((await app.api('GET', `/webhooks/${hook.id}`)).json.maxBodyBytes).toBe(102_400);
  });

  it.each(['big', 4096.5, { bytes: 4096 }])('rejects a maxBodyBytes of %j by the schema', async (value) => {
    const res = await app.api('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['TASKS_CREATED'], maxBodyBytes: value });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('validation_failed');
  });

  it('sends a document too large on its own without its text, pointing to the API path that returns it; the event log keeps it', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    await createWebhook(app, { url: r.url, events: ['TASKS_CREATED'], projectId });
    const text = 'long text '.repeat(30_000);
    const res = await app.api('POST', `/projects/${projectId}/documents`, { documents: [{ key: 'big', name: 'Big', text }, { key: 'small', name: 'Small', text: 'short' }] });
    expect(res.status).toBe(201);
    const [got] = await r.waitFor((rs) => rs.length === 1);
    expect(Buffer.byteLength(got!.body)).toBeLessThanOrEqual(102_400);
    const body = JSON.parse(got!.body) as StandardPart;
    const [big, small] = body.data.documents;
    expect(big).toMatchObject({ key: 'big', contentOmitted: ['text'] });
    expect(big!.text).toBeUndefined();
    expect(small).toMatchObject({ key: 'small', text: 'short' });
    expect(small!.contentOmitted).toBeUndefined();
    // The path answers the document with its text.
    const fetched = await app.api('GET', big!.contentPath!.replace('/api/v1', ''));
    expect(fetched.status).toBe(200);
    expect(fetched.json.text).toBe(text);
    // The event itself is whole.
    const event = await app.api('GET', `/events/${body.data.id}`);
    expect(event.json.data.documents[0].text).toBe(text);
  });

  it('closes a batch before the record that would take it over the limit', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    // maxSize and maxWaitMs never close these batches: only the byte limit does.
    await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, batch: { maxSize: 1000, maxWaitMs: 60_000 }, maxBodyBytes: 4096 });
    for (let i = 0; i < 24; i++) await bump(app, projectId, `batched name ${i}`);
    await r.waitFor((rs) => rs.length >= 3);
    for (const got of r.received) {
      expect(Buffer.byteLength(got.body)).toBeLessThanOrEqual(4096);
      expect((JSON.parse(got.body) as unknown[]).length).toBeGreaterThan(1);
    }
  });

  it('splits a list event inside a batch into parts that each fit with the batch around them', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    await createWebhook(app, { url: r.url, events: ['TASKS_CREATED'], projectId, batch: { maxSize: 1000, maxWaitMs: 100 }, maxBodyBytes: 8192 });
    const documents = Array.from({ length: 150 }, (_, i) => ({ key: `k${i}`, name: `Doc ${i}`, text: `text ${i} `.repeat(20) }));
    expect((await app.api('POST', `/projects/${projectId}/documents`, { documents })).status).toBe(201);
    const all = () => r.received.flatMap((x) => (JSON.parse(x.body) as StandardPart[]).flatMap((b) => b.data.documents.map((d) => d.key)));
    await r.waitFor(() => all().length >= 150);
    expect(new Set(all()).size).toBe(150);
    for (const got of r.received) expect(Buffer.byteLength(got.body)).toBeLessThanOrEqual(8192);
    const parts = r.received.flatMap((x) => (JSON.parse(x.body) as StandardPart[]).map((b) => b.data.part!));
    expect(parts.map((p) => p.index).sort((a, b) => a - b)).toEqual(Array.from({ length: parts[0]!.count }, (_, i) => i + 1));
  });

  it('logs each part as its own delivery, redelivers one part alone and replays them one by one', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['TASKS_CREATED'], projectId, maxBodyBytes: 8192 });
    const documents = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, name: `Doc ${i}`, text: `part text ${i} `.repeat(15) }));
    const since = new Date(Date.now() - 1000).toISOString();
    expect((await app.api('POST', `/projects/${projectId}/documents`, { documents })).status).toBe(201);
    // Counted by webhook-id: a part retried under load arrives twice with the same one.
    const ids = (rs: typeof r.received) => new Set(rs.map((x) => String(x.headers['webhook-id'])));
    const first = await r.waitFor((rs) => rs.length > 0 && ids(rs).size === (JSON.parse(rs[0]!.body) as StandardPart).data.part?.count);
    const count = ids(first).size;
    expect(count).toBeGreaterThan(3);
    const ds = await waitForDeliveries(app, hook.id, (x) => x.length === count && x.every((d) => d.status === 'succeeded'));
    expect(new Set(ds.map((d) => d.messageId))).toEqual(ids(first));
    const bodyOf = new Map(first.map((x) => [String(x.headers['webhook-id']), x.body]));

    const one = ds[1]!;
    const before = r.received.length;
    const res = await app.api('POST', `/deliveries/${one.id}/redeliver`, {});
    expect(res.status).toBe(200);
    const redelivered = r.received.slice(before);
    expect([...ids(redelivered)]).toEqual([one.messageId]);
    expect(redelivered[0]!.body).toBe(bodyOf.get(one.messageId));

    const replayFrom = r.received.length;
    const replay = await app.api('POST', `/webhooks/${hook.id}/replay`, { since });
    expect(replay.json).toEqual({ count, dryRun: false });
    const replayed = await r.waitFor((rs) => ids(rs.slice(replayFrom)).size === count);
    for (const x of replayed.slice(replayFrom)) expect(x.body).toBe(bodyOf.get(String(x.headers['webhook-id'])));
  });
});
