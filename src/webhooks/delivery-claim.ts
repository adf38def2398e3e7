import { sql, type Transaction } from 'kysely';
import type { Store } from '../store/db.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { DeliveryRow } from './webhook-views.js';

/** What a worker asks for when it claims work. */
export interface ClaimRequest {
  now: number;
  /** Lease owner written on claimed rows (the worker's id). */
  owner: string;
  leaseMs: number;
  /** Most deliveries to take. */
  limit: number;
  /** Most requests in flight to one webhook (config.webhookConcurrency). */
  perWebhookLimit: number;
  /** Requests this worker has in flight per webhook id. */
  inFlight: ReadonlyMap<string, number>;
  /** Also take deliveries whose lease expired (a crashed worker's); default true. */
  includeExpired?: boolean;
  /**
   * Read every due row when looking past webhooks at their limit (default true). False reads only the first
   * SATURATED_WINDOW due rows (SQLite): the worker asks for the full walk once a second.
   */
  fullScan?: boolean;
}

/**
 * How many due rows a claim reads, in due order, when some webhooks are at their limit and a full walk was not
 * asked for. `webhook_id not in (...)` filters after the index walk, so without a bound the claim that follows a
 * webhook filling up reads that webhook's whole backlog to return nothing (41 ms at 20,000 pending, 196 ms at
 * 200,000, after every refill).
 */
const SATURATED_WINDOW = 1000;

type Candidate = { id: string; webhook_id: string; next_attempt_at: number };

// Over-fetch so that a webhook with a deep backlog and little spare capacity does not crowd the others out of one
// claim; webhooks already at their limit are excluded in SQL, so their backlog is never even read.
const OVERFETCH = 4;

/**
 * Due deliveries of one status: pending, or delivering with an expired lease (next_attempt_at is the lease expiry
 * while delivering), of enabled webhooks not at their concurrency limit. For an ordered webhook only the head of
 * each (webhook, project) line qualifies: nothing earlier in the line is unfinished and nothing in it is in flight.
 * One status per query, with equality, so both databases walk the (status, next_attempt_at, id) index in order
 * and stop after `limit` rows instead of sorting every due row.
 */
async function selectDue(trx: Transaction<DatabaseSchema>, dialect: Store['dialect'], req: ClaimRequest, status: 'pending' | 'delivering', saturated: string[]): Promise<Candidate[]> {
  // PostgreSQL locks the claimed rows (FOR UPDATE of d), which a bounded derived table cannot carry: full walk there.
  const bounded = dialect === 'sqlite' && saturated.length > 0 && req.fullScan === false;
  const from = bounded
    ? trx.selectFrom((eb) =>
        eb
          .selectFrom('deliveries')
          .selectAll()
          .where('status', '=', status)
          .where('next_attempt_at', '<=', req.now)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(SATURATED_WINDOW)
          .as('d'),
      )
    : trx.selectFrom('deliveries as d');
  let q = from
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.webhook_id', 'd.next_attempt_at'])
    .where('d.status', '=', status)
    .where('d.next_attempt_at', '<=', req.now)
    .where('w.enabled', '=', 1)
    .where((eb) =>
      eb.or([
        eb('w.ordered', '=', 0),
        eb.not(
          eb.exists(
            eb
              .selectFrom('deliveries as e')
              .select(sql.lit(1).as('one'))
              .whereRef('e.webhook_id', '=', 'd.webhook_id')
              .where(sql<boolean>`(e.project_id = d.project_id or (e.project_id is null and d.project_id is null))`)
              .whereRef('e.id', '<>', 'd.id')
              .where('e.status', 'in', ['pending', 'delivering'])
              .where((x) =>
                x.or([
                  x.and([x('e.status', '=', 'delivering'), x('e.next_attempt_at', '>', req.now)]),
                  x('e.event_seq', '<', x.ref('d.event_seq')),
                  x.and([x('e.event_seq', '=', x.ref('d.event_seq')), x('e.id', '<', x.ref('d.id'))]),
                ]),
              ),
          ),
        ),
      ]),
    )
    .orderBy('d.next_attempt_at')
    .orderBy('d.id')
    .limit(req.limit * OVERFETCH);
  if (saturated.length > 0) q = q.where('d.webhook_id', 'not in', saturated);
  // PostgreSQL: lock only the delivery rows, and skip rows another worker is claiming right now.
  if (dialect === 'postgres') q = q.forUpdate('d').skipLocked();
  return (await q.execute()).map((r) => ({ ...r, next_attempt_at: Number(r.next_attempt_at) }));
}

async function selectCandidates(trx: Transaction<DatabaseSchema>, dialect: Store['dialect'], req: ClaimRequest): Promise<Candidate[]> {
  const saturated = [...req.inFlight].filter(([, n]) => n >= req.perWebhookLimit).map(([id]) => id);
  const pending = await selectDue(trx, dialect, req, 'pending', saturated);
  const expired = req.includeExpired === false ? [] : await selectDue(trx, dialect, req, 'delivering', saturated);
  if (expired.length === 0) return pending;
  return [...pending, ...expired].sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Keeps candidates in order while each webhook stays within its spare capacity. */
function withinCapacity(candidates: Candidate[], req: ClaimRequest): string[] {
  const taken = new Map<string, number>();
  const ids: string[] = [];
  for (const c of candidates) {
    if (ids.length >= req.limit) break;
    const used = (req.inFlight.get(c.webhook_id) ?? 0) + (taken.get(c.webhook_id) ?? 0);
    if (used >= req.perWebhookLimit) continue;
    taken.set(c.webhook_id, (taken.get(c.webhook_id) ?? 0) + 1);
    ids.push(c.id);
  }
  return ids;
}

/**
 * Claims due deliveries in one transaction and stamps a lease on them: status `delivering`, lease owner and
 * expiry, next_attempt_at = lease expiry (so a crashed worker's deliveries come due again by themselves), and
 * an open batch closed for good. PostgreSQL uses FOR UPDATE SKIP LOCKED so workers never take the same row;
 * SQLite has a single writer, so its transaction alone makes the select-then-update atomic.
 */
export async function claimDeliveries(store: Store, req: ClaimRequest): Promise<DeliveryRow[]> {
  if (req.limit <= 0) return [];
  return store.db.transaction().execute(async (trx) => {
    const ids = withinCapacity(await selectCandidates(trx, store.dialect, req), req);
    if (ids.length === 0) return [];
    const leaseEnd = req.now + req.leaseMs;
    return trx
      .updateTable('deliveries')
      .set({
        status: 'delivering',
        lease_owner: req.owner,
        lease_expires_at: leaseEnd,
        next_attempt_at: leaseEnd,
        batch_open: 0,
        batch_records: null,
        updated_at: req.now,
      })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
  });
}

/** Earliest future time a pending (or leased) delivery comes due, for the worker's sleep; null when none. */
export async function nextDueAt(store: Store, now: number): Promise<number | null> {
  // One status per query: each is a single index probe on (status, next_attempt_at).
  let earliest: number | null = null;
  for (const status of ['pending', 'delivering'] as const) {
    const row = await store.db
      .selectFrom('deliveries')
      .select('next_attempt_at')
      .where('status', '=', status)
      .where('next_attempt_at', '>', now)
      .orderBy('next_attempt_at')
      .limit(1)
      .executeTakeFirst();
    if (row && (earliest === null || Number(row.next_attempt_at) < earliest)) earliest = Number(row.next_attempt_at);
  }
  return earliest;
}
