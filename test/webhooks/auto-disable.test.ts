import { describe, expect, it } from 'vitest';
import { pruneAttemptBodies } from '../../src/webhooks/delivery/retention.js';
import { BACKENDS } from '../helpers/backends.js';
import { waitUntil } from '../helpers/wait.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries } from './receiver.js';

describe.each(BACKENDS)('auto-disable and retention (%s)', (backend) => {
  const app = useEngineApp(backend, { retryScheduleMs: Array.from({ length: 30 }, () => 20), autoDisableAfterMs: 100 });

  it('disables a webhook whose every attempt failed for autoDisableAfterMs; re-enabling resumes its deliveries', async () => {
    let healthy = false;
    const r = await startReceiver((_req, res) => {
      res.statusCode = healthy ? 200 : 500;
      res.end();
    });
    try {
      const projectId = await createProject(app);
      const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
      await bump(app, projectId, 'doomed');
      const w = await waitUntil('the webhook to be auto-disabled', async () => {
        const w = (await app.api('GET', `/webhooks/${hook.id}`)).json;
        return !w.enabled && w;
      }, { intervalMs: 20 });
      expect(w.disabledReason).toMatch(/^Auto-disabled/);
      const [stalled] = await waitForDeliveries(app, hook.id, (ds) => ds.length === 1);
      expect(stalled.status).toBe('pending');
      healthy = true;
      const enabled = await app.api('PATCH', `/webhooks/${hook.id}`, { enabled: true });
      expect(enabled.json).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
      const [done] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.status === 'succeeded');
      expect(done.lastStatus).toBe(200);
    } finally {
      await r.close();
    }
  });

  it('prunes response bodies and headers of attempts older than the retention, keeping the attempts', async () => {
    const r = await startReceiver();
    try {
      const projectId = await createProject(app);
      const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
      await bump(app, projectId, 'old news');
      const [d] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.status === 'succeeded');
      const ctx = { ...app.t.ctx, config: { ...app.t.ctx.config, attemptRetentionMs: 0 }, clock: () => Date.now() + 1000 };
      expect(await pruneAttemptBodies(ctx)).toBeGreaterThanOrEqual(1);
      const detail = (await app.api('GET', `/deliveries/${d.id}`)).json;
      expect(detail.attempts).toHaveLength(1);
      expect(detail.attempts[0]).toMatchObject({ responseBody: null, responseHeaders: null, responseStatus: 200 });
    } finally {
      await r.close();
    }
  });
});
