import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerRegistry, type WorkerRegistry } from '../../src/store/worker-registry.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { insertDelivery } from '../helpers/delivery-rows.js';

const LEASE_MS = 60_000;

describe('worker registry (sqlite)', () => {
  it('has none: the SQLite worker lock proves who is alive', async () => {
    const t = await createTestApp('sqlite');
    try {
      expect(workerRegistry(t.ctx.store)).toBeNull();
    } finally {
      await t.close();
    }
  });
});

describe.runIf(BACKENDS.includes('postgres'))('worker registry (postgres)', () => {
  let t: TestApp;
  let registry: WorkerRegistry;
  let teamId = '';
  let webhookId = '';

  beforeAll(async () => {
    t = await createTestApp('postgres', { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'test-secret-key-0123456789abcdef' });
    registry = workerRegistry(t.ctx.store)!;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(t.adminKey), payload: { url: 'http://127.0.0.1:9/hook', events: ['PROJECT_UPDATED'] } });
    expect(res.statusCode).toBe(201);
    webhookId = res.json<{ id: string }>().id;
    teamId = (await t.ctx.store.db.selectFrom('webhooks').select('team_id').where('id', '=', webhookId).executeTakeFirstOrThrow()).team_id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A delivery leased to `owner`, its lease stamped `stampedAgoMs` ago. */
  async function leased(owner: string, stampedAgoMs = 0): Promise<string> {
    const now = Date.now();
    const id = await insertDelivery(t.ctx.store.db, { teamId, webhookId, eventType: 'PROJECT_UPDATED', status: 'delivering', createdAt: now, attempts: [] });
    const expires = now - stampedAgoMs + LEASE_MS;
    await t.ctx.store.db.updateTable('deliveries').set({ lease_owner: owner, lease_expires_at: expires, next_attempt_at: expires }).where('id', '=', id).execute();
    return id;
  }

  const state = (id: string) => t.ctx.store.db.selectFrom('deliveries').select(['status', 'lease_owner']).where('id', '=', id).executeTakeFirstOrThrow();

  it('a worker silent past the timeout loses its row and its leases at once; a beating one keeps both', async () => {
    await registry.register('w-dead');
    await registry.register('w-live');
    await sql`update workers set last_beat_at = last_beat_at - 10000 where id = 'w-dead'`.execute(t.ctx.store.db);
    const dead = await leased('w-dead');
    const live = await leased('w-live');
    expect(await registry.reap(5000, Date.now())).toBe(1);
    expect(await state(dead)).toEqual({ status: 'pending', lease_owner: null });
    expect(await state(live)).toEqual({ status: 'delivering', lease_owner: 'w-live' });
    // The dead worker's next beat tells it that it was taken over (and must fence itself).
    expect(await registry.beat('w-dead')).toBe(false);
    expect(await registry.beat('w-live')).toBe(true);
    await registry.remove('w-live');
    expect(await registry.beat('w-live')).toBe(false);
  });

  it('a lease whose owner has no row is given back once it is older than the timeout, not while fresh', async () => {
    const fresh = await leased('w-ghost');
    const stale = await leased('w-ghost', 10_000);
    expect(await registry.sweepOrphans(5000, Date.now(), LEASE_MS)).toBe(1);
    expect(await state(stale)).toEqual({ status: 'pending', lease_owner: null });
    expect(await state(fresh)).toEqual({ status: 'delivering', lease_owner: 'w-ghost' });
  });
});
