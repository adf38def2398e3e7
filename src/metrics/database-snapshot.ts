import { sql } from 'kysely';
import type { Store } from '../store/db.js';
import { isUnfinished } from '../store/queue/status-literals.js';

/** Queue figures read from the database at scrape time: the same in every process, whichever one is scraped. */
export interface QueueSnapshot {
  pending: number;
  /** Deliveries leased by some worker right now (status delivering, lease not expired). */
  inFlight: number;
  /** Epoch ms of the oldest pending delivery's creation, null when none is pending. */
  oldestPendingAt: number | null;
  disabledWebhooks: number;
  undispatchedEvents: number;
  /** Epoch ms the snapshot was taken. */
  at: number;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * Reads the queue figures in three small queries: one grouped scan of the pending/delivering range of the
 * deliveries_due_order index, a count on the small webhooks table and a count on the events_undispatched partial index.
 */
export async function readQueueSnapshot(store: Store, now: number): Promise<QueueSnapshot> {
  const rows = await store.db
    .selectFrom('deliveries')
    .select((eb) => [
      'status',
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('created_at').as('oldest'),
      sql<number>`sum(case when next_attempt_at > ${now} then 1 else 0 end)`.as('leased'),
    ])
    .where(isUnfinished('status'))
    .groupBy('status')
    .execute();
  const pending = rows.find((r) => r.status === 'pending');
  const delivering = rows.find((r) => r.status === 'delivering');
  const webhooks = await store.db
    .selectFrom('webhooks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('enabled', '=', 0)
    .where('ephemeral', '=', 0)
    .executeTakeFirst();
  const events = await store.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dispatched_at', 'is', null)
    .executeTakeFirst();
  return {
    pending: num(pending?.n),
    // A delivering row whose lease expired is claimable again: it counts as in flight only while leased.
    inFlight: num(delivering?.leased),
    oldestPendingAt: pending?.oldest === null || pending?.oldest === undefined ? null : Number(pending.oldest),
    disabledWebhooks: num(webhooks?.n),
    undispatchedEvents: num(events?.n),
    at: now,
  };
}
