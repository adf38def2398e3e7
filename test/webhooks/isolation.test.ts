import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type Receiver } from './receiver.js';

describe.each(BACKENDS)('isolation between receivers (%s)', (backend) => {
  // Requests to the hanging receiver never time out during the test: it stays saturated throughout.
  const app = useEngineApp(backend, { webhookConcurrency: 2, requestTimeoutMs: 60_000 });
  const receivers: Receiver[] = [];
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('a hanging endpoint never delays a healthy one, and gets no more than its concurrency limit', async () => {
    const hanging = await startReceiver(() => undefined);
    const healthy = await startReceiver();
    receivers.push(hanging, healthy);
    const projectId = await createProject(app);
    // The hanging webhook is registered first, so its deliveries come first in every claim.
    const stuck = await createWebhook(app, { url: hanging.url, events: ['PROJECT_UPDATED'], projectId });
    const fine = await createWebhook(app, { url: healthy.url, events: ['PROJECT_UPDATED'], projectId });
    for (let i = 0; i < 20; i++) await bump(app, projectId, `iso-${i}`);
    await waitForDeliveries(app, fine.id, (ds) => ds.length === 20 && ds.every((d) => d.status === 'succeeded'));
    expect(healthy.received).toHaveLength(20);
    expect(hanging.received.length).toBeLessThanOrEqual(2);
    const stuckLog = await waitForDeliveries(app, stuck.id, (ds) => ds.length === 20);
    // The worker holds the stuck webhook's deliveries (two in flight, the rest queued behind them): none is lost,
    // none is given up on, none is reported as delivered.
    expect(stuckLog.every((d) => d.status === 'pending' || d.status === 'delivering')).toBe(true);
  });
});
