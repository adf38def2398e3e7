import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { BACKENDS } from '../helpers/backends.js';
import { insertDelivery } from '../helpers/delivery-rows.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { bump, createProject, createWebhook, useEngineApp, waitForDeliveries } from './receiver.js';

// The worker's idle poll as shipped (not the 50 ms of the other delivery tests, which hides a missing wake-up).
const DEFAULT_POLL_MS = loadConfig({ LABELHOOK_DATABASE_URL: 'sqlite::memory:' }).pollIntervalMs;
// Each request must reach the receiver within half a poll interval of the API call. This checks *who* wakes the
// delivery worker (the API call, through the commit signal), not how fast it is: a worker left to its next poll
// arrives up to a whole interval later, and each round starts right after the worker's previous claim, so its next
// poll is nearly a full interval away. The bench measures speed.
const PROMPT_MS = DEFAULT_POLL_MS / 2;
const ROUNDS = 3;

describe.each(BACKENDS)('deliveries made due now wake the delivery worker, with the default poll interval (%s)', (backend) => {
  // A long first retry: a failed delivery stays in its retry wait for the whole test.
  const app = useEngineApp(backend, { pollIntervalMs: DEFAULT_POLL_MS, retryScheduleMs: [60_000, 60_000] });

  async function withReceiver(run: (r: TestReceiver) => Promise<void>): Promise<void> {
    const r = await startReceiver();
    try {
      await run(r);
    } finally {
      await r.close();
    }
  }

  it('a replay reaches the receiver before the next poll', async () => {
    expect(DEFAULT_POLL_MS).toBeGreaterThan(PROMPT_MS);
    await withReceiver(async (r) => {
      const projectId = await createProject(app, 'Replayed');
      const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
      await bump(app, projectId, 'first');
      await r.waitForCount(1, 10_000);
      for (let round = 1; round <= ROUNDS; round++) {
        // Only a finished delivery is replayed: wait for the last one's result to be recorded.
        await waitForDeliveries(app, hook.id, (d) => d.length === 1 && d[0].status === 'succeeded' && d[0].attemptCount === round);
        const res = await app.api('POST', `/webhooks/${hook.id}/replay`, { since: '2000-01-01T00:00:00Z' });
        expect(res.json).toEqual({ count: 1, dryRun: false });
        await r.waitForCount(1 + round, PROMPT_MS);
      }
    });
  });

  it('a redelivery that completes the head of an ordered line sends the next delivery before the next poll', async () => {
    await withReceiver(async (r) => {
      const projectId = await createProject(app, 'Ordered');
      const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, ordered: true });
      for (let round = 1; round <= ROUNDS; round++) {
        const before = r.received.length;
        r.answer({ status: 500 });
        await bump(app, projectId, `head ${round}`);
        await r.waitForCount(before + 1, 10_000);
        // The head waits a minute for its retry; the next event's delivery waits behind it.
        await bump(app, projectId, `next ${round}`);
        const deliveries = await waitForDeliveries(
          app,
          hook.id,
          (d) => d.filter((x) => x.status === 'pending').length === 2 && d.some((x) => x.status === 'pending' && x.attemptCount === 1),
        );
        const head = deliveries.find((x) => x.status === 'pending' && x.attemptCount === 1);
        r.answer({ status: 200 });
        const res = await app.api('POST', `/deliveries/${head.id}/redeliver`);
        expect(res.status).toBe(200);
        expect(res.json.delivery.status).toBe('succeeded');
        // The redelivery itself, then the delivery it let go.
        await r.waitForCount(before + 3, PROMPT_MS);
        await waitForDeliveries(app, hook.id, (d) => d.every((x) => x.status === 'succeeded'));
      }
    });
  });

  it('re-enabling a webhook sends its waiting deliveries before the next poll', async () => {
    await withReceiver(async (r) => {
      const projectId = await createProject(app, 'Re-enabled');
      const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
      const team = await app.t.ctx.store.db.selectFrom('webhooks').select('team_id').where('id', '=', hook.id).executeTakeFirstOrThrow();
      for (let round = 1; round <= ROUNDS; round++) {
        expect((await app.api('PATCH', `/webhooks/${hook.id}`, { enabled: false })).status).toBe(200);
        // A delivery left pending while the webhook was disabled (as after an auto-disable), due now.
        await insertDelivery(app.t.ctx.store.db, { teamId: team.team_id, webhookId: hook.id, eventType: 'PROJECT_UPDATED', status: 'pending', createdAt: Date.now(), attempts: [] });
        const res = await app.api('PATCH', `/webhooks/${hook.id}`, { enabled: true });
        expect(res.status).toBe(200);
        await r.waitForCount(round, PROMPT_MS);
        await waitForDeliveries(app, hook.id, (d) => d.length === round && d.every((x) => x.status === 'succeeded'));
      }
    });
  });
});
