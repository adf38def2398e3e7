import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type Receiver } from './receiver.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// The worker claims a webhook's deliveries in batches and holds them in memory, feeding the receiver no more than
// its concurrency at a time. These tests pin down what a user relies on while deliveries wait in that queue.
describe.each(BACKENDS)('deliveries queued in the worker (%s)', (backend) => {
  // One request at a time and a lease far shorter than the queue takes to drain.
  const app = useEngineApp(backend, { webhookConcurrency: 1, leaseMs: 300 });
  const receivers: Receiver[] = [];
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  const slow = (ms: number): Promise<Receiver> =>
    startReceiver((_req, res) => {
      setTimeout(() => res.end('ok'), ms);
    });

  /** A project with a PROJECT_UPDATED webhook to `receiver` (closed after the suite), and `count` events for it. */
  async function subscribe(receiver: Receiver, count: number, name: string): Promise<{ projectId: string; hook: { id: string } }> {
    receivers.push(receiver);
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: receiver.url, events: ['PROJECT_UPDATED'], projectId });
    for (let i = 0; i < count; i++) await bump(app, projectId, `${name}-${i}`);
    return { projectId, hook };
  }

  it('a delivery waiting longer than a lease behind a slow receiver is sent once, not taken again', async () => {
    const receiver = await slow(120);
    const { hook } = await subscribe(receiver, 8, 'queued');
    // 8 × 120 ms is three times the lease: without renewal the queued ones would expire and go out twice.
    await waitForDeliveries(app, hook.id, (ds) => ds.length === 8 && ds.every((d) => d.status === 'succeeded'));
    await sleep(400);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
  });

  it('disabling a webhook stops its queued deliveries and gives them back; re-enabling sends each once', async () => {
    const receiver = await slow(250);
    const { hook } = await subscribe(receiver, 10, 'disable');
    await receiver.waitFor((r) => r.length >= 1);
    await waitForDeliveries(app, hook.id, (ds) => ds.length === 10);
    expect((await app.api('PATCH', `/webhooks/${hook.id}`, { enabled: false })).status).toBe(200);
    await sleep(800);
    // The request in flight when it was disabled may finish (and one more may have started before the worker
    // saw the change); the rest never leave.
    expect(receiver.received.length).toBeLessThanOrEqual(2);
    const held = await waitForDeliveries(app, hook.id, (ds) => ds.filter((d) => d.status === 'delivering').length === 0);
    const succeeded = held.filter((d) => d.status === 'succeeded').length;
    expect(succeeded).toBe(receiver.received.length);
    expect(held.filter((d) => d.status === 'pending')).toHaveLength(10 - succeeded);
    expect((await app.api('PATCH', `/webhooks/${hook.id}`, { enabled: true })).status).toBe(200);
    await waitForDeliveries(app, hook.id, (ds) => ds.length === 10 && ds.every((d) => d.status === 'succeeded'));
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(10);
    expect(ids).toHaveLength(10);
  });

  it('a 410 cancels the deliveries queued behind it, not only the pending ones', async () => {
    const held: ServerResponse[] = [];
    const receiver = await startReceiver((_req, res) => held.push(res));
    const { hook } = await subscribe(receiver, 6, 'gone');
    await waitForDeliveries(app, hook.id, (ds) => ds.length === 6);
    await receiver.waitFor((r) => r.length === 1);
    held[0]!.statusCode = 410;
    held[0]!.end('gone');
    const ds = await waitForDeliveries(app, hook.id, (x) => x.every((d) => d.status === 'failed' || d.status === 'cancelled'));
    expect(ds.filter((d) => d.status === 'failed')).toHaveLength(1);
    expect(ds.filter((d) => d.status === 'cancelled')).toHaveLength(5);
    await sleep(200);
    expect(receiver.received).toHaveLength(1);
  });

  it('a webhook whose secret cannot be decrypted waits without holding up the others', async () => {
    const good = await startReceiver();
    const broken = await startReceiver();
    receivers.push(good, broken);
    const projectId = await createProject(app);
    const fine = await createWebhook(app, { url: good.url, events: ['PROJECT_UPDATED'], projectId });
    const bad = await createWebhook(app, { url: broken.url, events: ['PROJECT_UPDATED'], projectId });
    // As after a changed LABELHOOK_SECRET_KEY: the stored secret no longer opens.
    await app.t.ctx.store.db.updateTable('webhooks').set({ secret_enc: 'not-a-sealed-secret', updated_at: Date.now() + 1 }).where('id', '=', bad.id).execute();
    for (let i = 0; i < 5; i++) await bump(app, projectId, `sealed-${i}`);
    await waitForDeliveries(app, fine.id, (ds) => ds.length === 5 && ds.every((d) => d.status === 'succeeded'));
    await sleep(300);
    expect(broken.received).toHaveLength(0);
    const waiting = await waitForDeliveries(app, bad.id, (ds) => ds.length === 5);
    expect(waiting.every((d) => d.status === 'pending' || d.status === 'delivering')).toBe(true);
  });

  it('a URL changed while deliveries wait sends the rest to the new URL', async () => {
    const before = await slow(200);
    const after = await startReceiver();
    receivers.push(after);
    const { hook } = await subscribe(before, 6, 'move');
    await before.waitFor((r) => r.length >= 1);
    expect((await app.api('PATCH', `/webhooks/${hook.id}`, { url: after.url })).status).toBe(200);
    await waitForDeliveries(app, hook.id, (ds) => ds.length === 6 && ds.every((d) => d.status === 'succeeded'));
    expect(before.received.length).toBeLessThanOrEqual(2);
    expect(before.received.length + after.received.length).toBe(6);
  });
});
