import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeResults, type FinishedAttempt } from '../../src/webhooks/delivery/delivery-results.js';
import type { AttemptVerdict, DeliveryOutcome } from '../../src/webhooks/delivery/outcome.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { insertDelivery } from '../helpers/delivery-rows.js';

// A batch of results meets deliveries that moved on while their requests were out: one re-claimed by another
// worker (its lease lapsed), and a webhook deleted with its deliveries. The batch records what still can be.

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const OK: AttemptVerdict = { final: 'succeeded', retryInMs: null };
const retryIn = (ms: number): AttemptVerdict => ({ final: null, retryInMs: ms });

describe.each(BACKENDS)('writing a batch of results (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'test-secret-key-0123456789abcdef' }, { clock: () => NOW });
  });
  afterAll(async () => t.close());

  async function webhook(url: string): Promise<{ id: string; teamId: string }> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${t.adminKey}` }, payload: { url, events: ['*'] } });
    const id = res.json<{ id: string }>().id;
    const row = await t.ctx.store.db.selectFrom('webhooks').select('team_id').where('id', '=', id).executeTakeFirstOrThrow();
    return { id, teamId: row.team_id };
  }

  /** A delivery of `w` leased to `owner`, and its finished attempt with `verdict`. */
  async function leased(w: { id: string; teamId: string }, owner: string, status: number, outcome: DeliveryOutcome, verdict: AttemptVerdict, at: number): Promise<FinishedAttempt> {
    const id = await insertDelivery(t.ctx.store.db, { teamId: w.teamId, webhookId: w.id, eventType: 'TASKS_CREATED', status: 'delivering', createdAt: at, attempts: [] });
    await t.ctx.store.db.updateTable('deliveries').set({ lease_owner: owner, lease_expires_at: NOW + 30_000, next_attempt_at: NOW + 30_000 }).where('id', '=', id).execute();
    const sent = { at: NOW - 10, durationMs: 3, request: { url: 'http://127.0.0.1:9/hook', headers: {}, body: '{}', loggedHeaders: {} }, responseStatus: status, responseHeaders: {}, responseBody: '', error: null, outcome };
    return { delivery: { id, team_id: w.teamId, webhook_id: w.id, attempt_count: 0 }, sent, verdict };
  }

  it('skips the deliveries of a deleted webhook, logs a re-claimed one without overwriting it, records the rest', async () => {
    const kept = await webhook('http://127.0.0.1:9/kept');
    const deleted = await webhook('http://127.0.0.1:9/deleted');
    const ok = await leased(kept, 'wrk_me', 200, { kind: 'ok' }, OK, NOW - 5000);
    const retried = await leased(kept, 'wrk_me', 500, { kind: 'retry', reason: 'HTTP 500' }, retryIn(60_000), NOW - 4000);
    const reclaimed = await leased(kept, 'wrk_other', 200, { kind: 'ok' }, OK, NOW - 3000);
    // In the same status group as `ok`, a sooner retry, and a 410: all of a webhook deleted mid-attempt.
    const gone = [
      await leased(deleted, 'wrk_me', 200, { kind: 'ok' }, OK, NOW - 2000),
      await leased(deleted, 'wrk_me', 503, { kind: 'retry', reason: 'HTTP 503' }, retryIn(1_000), NOW - 1000),
      await leased(deleted, 'wrk_me', 410, { kind: 'gone' }, { final: 'failed', retryInMs: null }, NOW - 500),
    ];
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${deleted.id}`, headers: { authorization: `Bearer ${t.adminKey}` } })).statusCode).toBe(204);

    const report = await writeResults(t.ctx, 'wrk_me', [ok, gone[0]!, retried, gone[1]!, reclaimed, gone[2]!]);

    // The retry of the deleted webhook's delivery wakes nobody, and its 410 disables nothing.
    expect(report).toEqual({ nextRetryAt: NOW + 60_000, disabledWebhooks: [] });
    const db = t.ctx.store.db;
    const attempts = await db.selectFrom('attempts').select(['delivery_id', 'attempt_no', 'response_status']).where('webhook_id', 'in', [kept.id, deleted.id]).orderBy('delivery_id').execute();
    expect(attempts).toEqual([
      { delivery_id: ok.delivery.id, attempt_no: 1, response_status: 200 },
      { delivery_id: retried.delivery.id, attempt_no: 1, response_status: 500 },
      { delivery_id: reclaimed.delivery.id, attempt_no: 1, response_status: 200 },
    ]);
    const rows = await db.selectFrom('deliveries').select(['id', 'status', 'lease_owner', 'next_attempt_at', 'last_status', 'attempt_count']).where('webhook_id', '=', kept.id).orderBy('id').execute();
    expect(rows.map((r) => ({ ...r, next_attempt_at: Number(r.next_attempt_at) }))).toEqual([
      { id: ok.delivery.id, status: 'succeeded', lease_owner: null, next_attempt_at: NOW, last_status: 200, attempt_count: 1 },
      { id: retried.delivery.id, status: 'pending', lease_owner: null, next_attempt_at: NOW + 60_000, last_status: 500, attempt_count: 1 },
      // Leased to another worker now: its state is that worker's to write.
      { id: reclaimed.delivery.id, status: 'delivering', lease_owner: 'wrk_other', next_attempt_at: NOW + 30_000, last_status: null, attempt_count: 0 },
    ]);
  });
});
