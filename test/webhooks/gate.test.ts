import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type EngineApp, type Received, type Receiver } from './receiver.js';

type Answer = (req: Received, res: ServerResponse) => void;

const reply = (status: number, body?: unknown): Answer => (_req, res) => {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(body === undefined ? '' : JSON.stringify(body));
};

async function documentIn(app: EngineApp, projectId: string): Promise<string> {
  const res = await app.api('POST', `/projects/${projectId}/documents`, { documents: [{ key: 'd1', name: 'Doc', text: 'hello world' }] });
  if (res.status !== 201) throw new Error(`import failed ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.data[0].id as string;
}

const labelUpdate = { toUpsertList: [{ type: 'DOCUMENT', labelSetItemId: 'pos' }], toDeleteList: [] };

describe.each(BACKENDS)('label gate (%s)', (backend) => {
  const app = useEngineApp(backend, { gateTimeoutMs: 300 });
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  async function gated(answer: Answer, failMode: 'open' | 'closed' = 'open') {
    const r = await startReceiver(answer);
    receivers.push(r);
    const projectId = await createProject(app);
    const documentId = await documentIn(app, projectId);
    const hook = await createWebhook(app, { url: r.url, events: ['BEFORE_UPDATE_LABELS'], projectId, blocking: true, failMode });
    return { r, projectId, documentId, hook };
  }

  const labelsOf = async (documentId: string) => (await app.api('GET', `/documents/${documentId}/labels`)).json.data as unknown[];

  it('lets a label update through when the blocking webhook answers 2xx, logging the call as a delivery', async () => {
    const { r, documentId, hook, projectId } = await gated(reply(200, { allow: true }));
    const other = await startReceiver();
    receivers.push(other);
    const queued = await createWebhook(app, { url: other.url, events: ['BEFORE_UPDATE_LABELS'], projectId });
    const res = await app.api('POST', `/documents/${documentId}/labels`, labelUpdate);
    expect(res.status).toBe(200);
    expect(res.json.data).toHaveLength(1);
    expect(r.received).toHaveLength(1);
    const event = JSON.parse(r.received[0]!.body) as { type: string; data: { labelUpdateList: { toUpsertList: unknown[] } } };
    expect(event.type).toBe('BEFORE_UPDATE_LABELS');
    expect(event.data.labelUpdateList.toUpsertList).toHaveLength(1);
    // A non-blocking webhook gets the event through the queue; the blocking one does not get it a second time.
    await waitForDeliveries(app, queued.id, (ds) => ds[0]?.status === 'succeeded');
    const gateLog = await waitForDeliveries(app, hook.id, (ds) => ds.length >= 1);
    expect(gateLog).toHaveLength(1);
    expect(gateLog[0]).toMatchObject({ eventType: 'BEFORE_UPDATE_LABELS', status: 'succeeded', attemptCount: 1 });
  });

  it('vetoes with {"allow": false, "reason"}: the API answers 409 with the reason and nothing changes', async () => {
    const { documentId, hook } = await gated(reply(200, { allow: false, reason: 'labels must be reviewed first' }));
    const res = await app.api('POST', `/documents/${documentId}/labels`, labelUpdate);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('gate_rejected');
    expect(res.json.error.message).toContain('labels must be reviewed first');
    expect(res.json.error.details.webhookId).toBe(hook.id);
    expect(await labelsOf(documentId)).toHaveLength(0);
    const events = await app.t.ctx.store.db.selectFrom('events').select('type').where('type', 'in', ['BEFORE_UPDATE_LABELS', 'ANNOTATION_CREATED']).where('data', 'like', `%${documentId}%`).execute();
    expect(events).toHaveLength(0);
  });

  it('vetoes on a 4xx answer', async () => {
    const { documentId } = await gated(reply(422, { reason: 'unknown label' }));
    const res = await app.api('POST', `/documents/${documentId}/labels`, labelUpdate);
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('unknown label');
    expect(await labelsOf(documentId)).toHaveLength(0);
  });

  it('proceeds when a failMode open webhook times out', async () => {
    const { documentId, hook } = await gated(() => undefined, 'open');
    const res = await app.api('POST', `/documents/${documentId}/labels`, labelUpdate);
    expect(res.status).toBe(200);
    expect(await labelsOf(documentId)).toHaveLength(1);
    const [d] = await waitForDeliveries(app, hook.id, (ds) => ds.length === 1);
    expect(d.status).toBe('failed');
    expect(d.lastError).toMatch(/^timeout/);
  });

  it('rejects when a failMode closed webhook times out', async () => {
    const { documentId } = await gated(() => undefined, 'closed');
    const res = await app.api('POST', `/documents/${documentId}/labels`, labelUpdate);
    expect(res.status).toBe(409);
    expect(await labelsOf(documentId)).toHaveLength(0);
  });

  it('follows failMode on a 5xx: open proceeds, closed rejects', async () => {
    const open = await gated(reply(500), 'open');
    expect((await app.api('POST', `/documents/${open.documentId}/labels`, labelUpdate)).status).toBe(200);
    const closed = await gated(reply(503), 'closed');
    expect((await app.api('POST', `/documents/${closed.documentId}/labels`, labelUpdate)).status).toBe(409);
  });
});
