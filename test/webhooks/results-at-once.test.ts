import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRow } from '../../src/webhooks/admin/webhook-views.js';
import { writeResults, type FinishedAttempt } from '../../src/webhooks/delivery/delivery-results.js';
import type { SentAttempt } from '../../src/webhooks/transport/send-attempt.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { insertDelivery } from '../helpers/delivery-rows.js';

// On PostgreSQL a result batch whose attempts all succeeded with one status is recorded in one statement
// (src/store/queue/results-at-once.ts); what it leaves must be what the transaction of the other batches leaves.

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const OWNER = 'wrk_at_once';

/** The statements the pg driver sends while `fn` runs. */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text: string };
    texts.push(typeof first === 'string' ? first : first.text);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await fn();
  } finally {
    pg.Client.prototype.query = query;
  }
  return texts;
}

function succeeded(delivery: DeliveryRow, status = 200): FinishedAttempt {
  const sent: SentAttempt = {
    at: NOW,
    durationMs: 12,
    request: { url: 'http://127.0.0.1:9/hook', headers: {}, body: '{}', loggedHeaders: { 'content-type': 'application/json' } },
    responseStatus: status,
    responseHeaders: { 'x-seen': "it's \"quoted\", {braced} \\ and\nmultiline" },
    responseBody: 'ok',
    error: null,
    outcome: { kind: 'ok' },
  };
  return { delivery, sent, verdict: { final: 'succeeded', retryInMs: null } };
}

describe.runIf(BACKENDS.includes('postgres'))('a batch of successes recorded in one statement (postgres)', () => {
  let t: TestApp;
  let teamId: string;

  beforeAll(async () => {
    t = await createTestApp('postgres', { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'test-secret-key-0123456789abcdef' }, { clock: () => NOW });
    teamId = (await t.ctx.store.db.selectFrom('members').select('team_id').executeTakeFirstOrThrow()).team_id;
  });
  afterAll(async () => t.close());

  async function webhook(): Promise<string> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${t.adminKey}` }, payload: { url: 'http://127.0.0.1:9/a', events: ['*'] } });
    return res.json<{ id: string }>().id;
  }

  /** A delivery leased to `owner`, as a claim leaves it. */
  async function leased(webhookId: string, owner = OWNER): Promise<DeliveryRow> {
    const id = await insertDelivery(t.ctx.store.db, { teamId, webhookId, eventType: 'PROJECT_UPDATED', status: 'delivering', createdAt: NOW - 1000, attempts: [] });
    return t.ctx.store.db.updateTable('deliveries').set({ lease_owner: owner, lease_expires_at: NOW + 30_000, next_attempt_at: NOW + 30_000 }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }

  const deliveries = (ids: string[]) => t.ctx.store.db.selectFrom('deliveries').select(['id', 'status', 'attempt_count', 'last_status', 'lease_owner', 'completed_at']).where('id', 'in', ids).orderBy('id').execute();
  const attempts = (ids: string[]) => t.ctx.store.db.selectFrom('attempts').select(['delivery_id', 'attempt_no', 'response_status', 'response_headers', 'outcome']).where('delivery_id', 'in', ids).orderBy('delivery_id').execute();

  it('writes the attempts, the deliveries and the end of the failure streak in one statement', async () => {
    const hook = await webhook();
    await t.ctx.store.db.updateTable('webhooks').set({ failing_since: NOW - 60_000 }).where('id', '=', hook).execute();
    const rows = [await leased(hook), await leased(hook), await leased(hook)];
    const ids = rows.map((r) => r.id).sort();
    const sent = await statementsOf(() => writeResults(t.ctx, OWNER, rows.map((r) => succeeded(r, 204))));
    expect(sent).toHaveLength(1);
    expect(await deliveries(ids)).toEqual(ids.map((id) => ({ id, status: 'succeeded', attempt_count: 1, last_status: 204, lease_owner: null, completed_at: NOW })));
    expect(await attempts(ids)).toEqual(ids.map((id) => ({ delivery_id: id, attempt_no: 1, response_status: 204, response_headers: JSON.stringify({ 'x-seen': "it's \"quoted\", {braced} \\ and\nmultiline" }), outcome: 'ok' })));
    expect((await t.ctx.store.db.selectFrom('webhooks').select('failing_since').where('id', '=', hook).executeTakeFirstOrThrow()).failing_since).toBeNull();
  });

  it('leaves a delivery leased again by another worker as that worker has it, and logs its attempt', async () => {
    const hook = await webhook();
    const mine = await leased(hook);
    const theirs = await leased(hook, 'wrk_other');
    await writeResults(t.ctx, OWNER, [succeeded(mine), succeeded({ ...theirs, lease_owner: OWNER })]);
    const [a, b] = await deliveries([mine.id, theirs.id]);
    const byId = new Map([a, b].map((d) => [d!.id, d!]));
    expect(byId.get(mine.id)).toMatchObject({ status: 'succeeded', lease_owner: null });
    expect(byId.get(theirs.id)).toMatchObject({ status: 'delivering', lease_owner: 'wrk_other', attempt_count: 0 });
    expect((await attempts([theirs.id])).map((r) => r.delivery_id)).toEqual([theirs.id]);
  });

  it('records the rest of the batch when a delivery went with its deleted webhook', async () => {
    const kept = await webhook();
    const deleted = await webhook();
    const live = await leased(kept);
    const gone = await leased(deleted);
    await t.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${deleted}`, headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(await deliveries([gone.id])).toEqual([]);
    await writeResults(t.ctx, OWNER, [succeeded(live), succeeded(gone)]);
    expect(await deliveries([live.id])).toEqual([expect.objectContaining({ id: live.id, status: 'succeeded' })]);
    expect((await attempts([live.id, gone.id])).map((r) => r.delivery_id)).toEqual([live.id]);
  });

  it('leaves a batch with a failure to the transaction, which records each outcome', async () => {
    const hook = await webhook();
    const ok = await leased(hook);
    const bad = await leased(hook);
    const failed: FinishedAttempt = { ...succeeded(bad, 500), verdict: { final: null, retryInMs: 5_000 } };
    failed.sent = { ...failed.sent, outcome: { kind: 'retry', reason: 'HTTP 500' } };
    const sent = await statementsOf(() => writeResults(t.ctx, OWNER, [succeeded(ok), failed]));
    expect(sent[0]).toBe('begin');
    const byId = new Map((await deliveries([ok.id, bad.id])).map((d) => [d.id, d]));
    expect(byId.get(ok.id)).toMatchObject({ status: 'succeeded' });
    expect(byId.get(bad.id)).toMatchObject({ status: 'pending', last_status: 500 });
  });
});
