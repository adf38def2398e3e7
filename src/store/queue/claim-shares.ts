import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import { preparedQuery, type QueryParam } from '../db.js';
import type { DatabaseSchema } from '../schema.js';

// Per-webhook concurrency across the workers of one PostgreSQL database: what each claim may take of a webhook
// (docs/architecture.md "Delivery", "Several workers"). SQLite has one delivering process and needs none of this.
//
// The rule: a worker holding h deliveries of a webhook (leased to it, lease unexpired) can have at most
// min(h, concurrency) of them in flight (its local slots). A claim keeps Σ over workers of min(h, concurrency) at or
// under the concurrency: a worker may take any number while no other worker holds one, otherwise only
// concurrency − (held by others) − (held by itself). Claims on one webhook are serialised by locking its row
// (FOR NO KEY UPDATE SKIP LOCKED: two workers never count the same webhook at once, neither waits, and the
// dispatcher's foreign-key checks on it are not blocked); the counts are read by a later statement, whose snapshot
// sees every claim committed before the lock was taken.

type LockParams = { now: number; exclude: readonly string[]; owner: string; concurrency: number; webhooks: number };

/**
 * Whether the webhook `w` of the enclosing query has a delivery in `status` due (pending and due, or leased and
 * expired). A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL turns an EXISTS into a semi-join, which it planned
 * as a scan of every due delivery of every webhook (9 ms at 13,000 pending in the pg-workers bench, on every
 * claim); a scalar subquery stays one index probe per webhook on (webhook_id, status, next_attempt_at).
 */
function dueOf(eb: ExpressionBuilder<DatabaseSchema & { w: DatabaseSchema['webhooks'] }, 'w'>, status: 'pending' | 'delivering', param: QueryParam<LockParams>) {
  const first = eb
    .selectFrom('deliveries as d')
    .select(sql.lit(1).as('one'))
    .whereRef('d.webhook_id', '=', 'w.id')
    .where('d.status', '=', status)
    .where('d.next_attempt_at', '<=', param('now'))
    .limit(sql.lit(1));
  return eb(first, 'is not', null);
}

/**
 * lockClaimable's statement: enabled webhooks with due work (and, with `expired`, expired leases), locked, except
 * those other workers hold up to the concurrency as of the statement's snapshot. That check may be stale in one
 * direction only (it misses what was released since: the webhook waits for a later claim); what it lets through is
 * counted again after the lock. It keeps an idle worker from locking, and so hiding from its holder's next claim,
 * a webhook it could take nothing of.
 */
function lockQuery(expired: boolean) {
  return preparedQuery<LockParams, { id: string }>((db, param) => {
    let q = db
      .selectFrom('webhooks as w')
      .select('w.id')
      .where('w.enabled', '=', 1)
      .where((eb) => (expired ? eb.or([dueOf(eb, 'pending', param), dueOf(eb, 'delivering', param)]) : dueOf(eb, 'pending', param)))
      .where(heldBy(db, param, false), '<', param('concurrency'));
    const exclude = param.list('exclude');
    if (exclude.length > 0) q = q.where('w.id', 'not in', [...exclude]);
    // At most as many webhooks as the claim's room can use, in random order: concurrent claims of other workers
    // find the rest unlocked instead of skipping everything one claim locked, and no webhook is always last.
    return q.orderBy(sql`random()`).limit(param('webhooks')).forNoKeyUpdate().skipLocked();
  });
}

const lockWithExpired = lockQuery(true);
const lockPendingOnly = lockQuery(false);

/**
 * Locks, until `trx` ends, up to `webhooks` of the enabled webhooks not excluded that have due work no other claim
 * is counting now.
 */
export async function lockClaimable(trx: Transaction<DatabaseSchema>, req: LockParams & { includeExpired: boolean }): Promise<string[]> {
  const rows = await (req.includeExpired ? lockWithExpired : lockPendingOnly)(trx, { now: req.now, exclude: req.exclude, owner: req.owner, concurrency: req.concurrency, webhooks: req.webhooks });
  return rows.map((r) => r.id);
}

type HoldParams = { ids: readonly string[]; owner: string; now: number; concurrency: number };

/** Deliveries of `w` leased (unexpired) to `owner` (`mine`) or to anyone else, counted up to the concurrency. */
function heldBy(db: Kysely<DatabaseSchema>, param: QueryParam<Pick<HoldParams, 'owner' | 'now' | 'concurrency'>>, mine: boolean) {
  const held = db
    .selectFrom('deliveries as h')
    .select(sql.lit(1).as('one'))
    .where('h.webhook_id', '=', sql.ref<string>('w.id'))
    .where('h.status', '=', 'delivering')
    .where('h.next_attempt_at', '>', param('now'))
    .where('h.lease_owner', mine ? '=' : '<>', param('owner'))
    .limit(param('concurrency'))
    .as('held');
  return db.selectFrom(held).select((eb) => eb.fn.countAll<number>().as('n'));
}

const selectHeld = preparedQuery<HoldParams, { id: string; others: number | string; mine: number | string }>((db, param) =>
  db
    .selectFrom('webhooks as w')
    .select(['w.id', heldBy(db, param, false).as('others'), heldBy(db, param, true).as('mine')])
    .where('w.id', 'in', param.list('ids')),
);

/**
 * How many more deliveries `owner` may take of each locked webhook in `ids` (see the rule above); `perWebhook`
 * bounds the answer where no other worker holds any.
 */
export async function claimShares(trx: Transaction<DatabaseSchema>, req: HoldParams & { perWebhook: number }): Promise<Map<string, number>> {
  const rows = await selectHeld(trx, { ids: req.ids, owner: req.owner, now: req.now, concurrency: req.concurrency });
  const shares = new Map<string, number>();
  for (const r of rows) {
    const others = Number(r.others);
    shares.set(r.id, others === 0 ? req.perWebhook : Math.max(0, Math.min(req.perWebhook, req.concurrency - others - Number(r.mine))));
  }
  return shares;
}

const lockAdoptable = preparedQuery<{ ids: readonly string[] }, { id: string }>((db, param) =>
  db.selectFrom('webhooks').select('id').where('id', 'in', param.list('ids')).forNoKeyUpdate().skipLocked(),
);

/**
 * What a fan-out pass may hand straight to `owner`'s worker (adoption) where several workers share the queue: it
 * locks the listed webhooks as a claim does, skipping those a claim is counting now (they get none), and answers
 * each locked one's share by the claim's rule. The locks last until the pass commits, so no claim counts a webhook
 * while adopted deliveries of it are still invisible to other workers.
 */
export async function adoptionShares(trx: Transaction<DatabaseSchema>, req: Omit<HoldParams, 'ids'> & { ids: readonly string[]; perWebhook: number }): Promise<Map<string, number>> {
  const locked = (await lockAdoptable(trx, { ids: req.ids })).map((r) => r.id);
  if (locked.length === 0) return new Map();
  return claimShares(trx, { ...req, ids: locked });
}
