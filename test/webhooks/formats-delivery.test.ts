import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { eventFromRow } from '../../src/events/outbox.js';
import { getFormat } from '../../src/webhooks/formats/registry.js';
import { signDatasaur } from '../../src/webhooks/transport/sign-datasaur.js';
import { BACKENDS } from '../helpers/backends.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type Receiver } from './receiver.js';

describe.each(BACKENDS)('payload formats and batching on the wire (%s)', (backend) => {
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

  async function lastEvent(projectId: string, type: string) {
    const row = await app.t.ctx.store.db
      .selectFrom('events')
      .select(['seq', 'data'])
      .where('project_id', '=', projectId)
      .where('type', '=', type)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    return eventFromRow(row);
  }

  it.each(['standard', 'datasaur', 'label-studio'] as const)('sends the %s body exactly as the format renders it, verifiable by webhook-* headers', async (format) => {
    const r = await receiver();
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, format });
    await bump(app, projectId, `fmt-${format}`);
    const [got] = await r.waitFor((rs) => rs.length === 1);
    const event = await lastEvent(projectId, 'PROJECT_UPDATED');
    const f = getFormat(format);
    expect(got!.body).toBe(f.render(f.records(event, { sendPayload: true }), 'PROJECT_UPDATED', false));
    expect(() => new StandardWebhook(hook.secret).verify(got!.body, got!.headers as Record<string, string>)).not.toThrow();
    if (format === 'datasaur') expect(got!.headers['x-datasaur-signature']).toBe(signDatasaur(hook.secret, got!.body));
  });

  it('sends only {"action"} to a label-studio webhook with sendPayload false', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, format: 'label-studio', sendPayload: false });
    await bump(app, projectId, 'quiet');
    const [got] = await r.waitFor((rs) => rs.length === 1);
    expect(JSON.parse(got!.body)).toEqual({ action: 'PROJECT_UPDATED' });
  });

  it('batches a 250-document import to a labelator webhook as requests of 100, 100 and 50 docs', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['TASKS_CREATED'], projectId, format: 'labelator' });
    const documents = Array.from({ length: 250 }, (_, i) => ({ key: `doc-${i}`, name: `Doc ${i}`, text: `text ${i}` }));
    const res = await app.api('POST', `/projects/${projectId}/documents`, { documents });
    expect(res.status).toBe(201);
    await r.waitFor((rs) => rs.length === 3);
    const bodies = r.received.map((x) => JSON.parse(x.body) as { docs: { id: string; key: string }[] });
    expect(bodies.map((b) => b.docs.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(bodies.flatMap((b) => b.docs.map((d) => d.key)).sort()).toEqual(documents.map((d) => d.key).sort());
    const ds = await waitForDeliveries(app, hook.id, (x) => x.length === 3 && x.every((d) => d.status === 'succeeded'));
    expect(ds.map((d) => d.itemCount).sort((a, b) => b - a)).toEqual([100, 100, 50]);
  });

  it('flushes a partial batch when maxWaitMs runs out', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, batch: { maxSize: 50, maxWaitMs: 200 } });
    for (const name of ['b1', 'b2', 'b3']) await bump(app, projectId, name);
    await r.waitFor((rs) => rs.flatMap((x) => JSON.parse(x.body) as unknown[]).length === 3);
    const records = r.received.flatMap((x) => JSON.parse(x.body) as { type: string; data: { project: { name: string } } }[]);
    expect(records.map((x) => x.data.project.name).sort()).toEqual(['b1', 'b2', 'b3']);
    expect(records.every((x) => x.type === 'PROJECT_UPDATED')).toBe(true);
  });

  it('sends a full batch at once, without waiting for maxWaitMs', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, batch: { maxSize: 2, maxWaitMs: 60_000 } });
    for (const name of ['f1', 'f2', 'f3', 'f4']) await bump(app, projectId, name);
    await r.waitFor((rs) => rs.length === 2);
    expect(r.received.map((x) => (JSON.parse(x.body) as unknown[]).length)).toEqual([2, 2]);
  });
});
