import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { StoreCapabilities } from '../capabilities.js';
import { preparedQuery, type QueryParam, type Store } from '../db.js';
import type { DatabaseSchema, DeliveryTable } from '../schema.js';
import { claimShares, lockClaimable } from './claim-shares.js';
import { DELIVERING, isUnfinished, PENDING } from './status-literals.js';

// The delivery worker's claim on the queue, in SQL per database (docs/architecture.md "The seams → Database").
// Every claim runs these statements: each is compiled once per database and list length (preparedQuery).

/** What a worker asks for when it claims work. */
export interface ClaimRequest {
  now: number;
  /** Lease owner written on claimed rows (the worker's id). */
  owner: string;
  leaseMs: number;
  /** Most deliveries to take in all. */
  limit: number;
  /** Most deliveries to take for any one webhook. */
  perWebhook: number;
  /**
   * The per-webhook concurrency. Where several workers share the queue (store.capabilities.globalConcurrency) a
   * claim takes no more of a webhook than keeps its requests in flight, all workers together, within it.
   */
  concurrency: number;
  /** Webhooks to leave out: the worker already holds enough of their deliveries. */
  exclude: readonly string[];
  /** Also take deliveries whose lease expired (a crashed worker's); default true. */
  includeExpired?: boolean;
}

type Candidate = { id: string; webhook_id: string; next_attempt_at: number };

/** The run-time values of the candidate selects. */
type SelectParams = { now: number; perWebhook: number; limit: number; exclude: readonly string[] };
/** The same with row locks: only the webhooks this claim locked (claim-shares.ts) and has a share of. */
type LockedParams = Omit<SelectParams, 'exclude'> & { only: readonly string[] };

/**
 * How a statement says "unfinished" of the line's other deliveries: SQLite's statements as the OR its partial due
 * indexes are defined with (migration 012; SQLite matches a partial index only against that form), PostgreSQL's as
 * an IN list (an index condition on the status column there).
 */
type UnfinishedForm = 'or' | 'in';

/**
 * For an ordered webhook only the head of each (webhook, project) line qualifies: nothing earlier in the line is
 * unfinished and nothing in it is in flight. `d` is the candidate; the webhook's `ordered` flag comes from `w`.
 */
function headOfLine(eb: ExpressionBuilder<DatabaseSchema & { d: DatabaseSchema['deliveries'] }, 'd'>, now: number, form: UnfinishedForm) {
  return eb.or([
    eb(sql.ref('w.ordered'), '=', 0),
    eb.not(
      eb.exists(
        eb
          .selectFrom('deliveries as e')
          .select(sql.lit(1).as('one'))
          .whereRef('e.webhook_id', '=', 'd.webhook_id')
          .where(sql<boolean>`(e.project_id = d.project_id or (e.project_id is null and d.project_id is null))`)
          .whereRef('e.id', '<>', 'd.id')
          .where((x) => (form === 'or' ? isUnfinished('e.status') : x('e.status', 'in', [PENDING, DELIVERING])))
          .where((x) =>
            x.or([
              x.and([x('e.status', '=', DELIVERING), x('e.next_attempt_at', '>', now)]),
              x('e.event_seq', '<', x.ref('d.event_seq')),
              x.and([x('e.event_seq', '=', x.ref('d.event_seq')), x('e.id', '<', x.ref('d.id'))]),
            ]),
          ),
      ),
    ),
  ]);
}

/**
 * The first due pending deliveries of the webhook `w` of the enclosing query, in due order: an index probe on
 * (webhook_id, status, next_attempt_at, id), so another webhook's backlog is never read.
 */
function dueOfWebhook(db: Kysely<DatabaseSchema>, now: number, most: number | RawBuilder<number>, form: UnfinishedForm) {
  return db
    .selectFrom('deliveries as d')
    .where('d.webhook_id', '=', sql.ref<string>('w.id'))
    .where('d.status', '=', PENDING)
    .where('d.next_attempt_at', '<=', now)
    .where((eb) => headOfLine(eb, now, form))
    .orderBy('d.next_attempt_at')
    .orderBy('d.id')
    .limit(most);
}

// With row locks (PostgreSQL): LATERAL runs the per-webhook probe once per webhook this claim locked; SKIP LOCKED
// leaves rows another transaction is writing (the dispatcher's adoption, a release).
const selectPendingLateral = preparedQuery<LockedParams, Candidate>((db, param) =>
  db
    .selectFrom('webhooks as w')
    .innerJoinLateral(
      () => dueOfWebhook(db, param('now'), param('perWebhook'), 'in').select(['d.id', 'd.webhook_id', 'd.next_attempt_at']).forUpdate().skipLocked().as('c'),
      (join) => join.onTrue(),
    )
    .select(['c.id', 'c.webhook_id', 'c.next_attempt_at'])
    .where('w.id', 'in', param.list('only'))
    .orderBy('c.next_attempt_at')
    .orderBy('c.id')
    .limit(param('limit')),
);

// SQLite has no LATERAL; a correlated `IN (… LIMIT k)` gets the same plan: scan webhooks, probe each one's due rows.
const selectPendingCorrelated = preparedQuery<SelectParams, Candidate>((db, param) => {
  const q = db
    .selectFrom('webhooks as w')
    .innerJoin('deliveries as c', (join) => join.on('c.id', 'in', dueOfWebhook(db, param('now'), param('perWebhook'), 'or').select('d.id')))
    .select(['c.id', 'c.webhook_id', 'c.next_attempt_at'])
    .where('w.enabled', '=', 1)
    .orderBy('c.next_attempt_at')
    .orderBy('c.id')
    .limit(param('limit'));
  const exclude = param.list('exclude');
  return exclude.length > 0 ? q.where('w.id', 'not in', [...exclude]) : q;
});

/** Deliveries whose lease expired, of the enabled webhooks not excluded (SQLite: one writer, no locks). */
const selectExpiredPlain = preparedQuery<Omit<SelectParams, 'perWebhook'>, Candidate>((db, param) => {
  const q = expiredOfWebhooks(db, param, 'or');
  const exclude = param.list('exclude');
  return exclude.length > 0 ? q.where('d.webhook_id', 'not in', [...exclude]) : q;
});

/** The same of the webhooks this claim locked, `FOR UPDATE OF d SKIP LOCKED` (PostgreSQL). */
const selectExpiredLocking = preparedQuery<Omit<LockedParams, 'perWebhook'>, Candidate>((db, param) =>
  expiredOfWebhooks(db, param, 'in').where('d.webhook_id', 'in', param.list('only')).forUpdate('d').skipLocked(),
);

/**
 * Deliveries whose lease expired (next_attempt_at is the lease expiry while delivering): a crashed or stalled
 * worker's. Only leased rows are walked, and there are never more of them than the workers hold.
 */
function expiredOfWebhooks(db: Kysely<DatabaseSchema>, param: QueryParam<{ now: number; limit: number }>, form: UnfinishedForm) {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.webhook_id', 'd.next_attempt_at'])
    .where('d.status', '=', DELIVERING)
    .where('d.next_attempt_at', '<=', param('now'))
    .where('w.enabled', '=', 1)
    .where((eb) => headOfLine(eb, param('now'), form))
    .orderBy('d.next_attempt_at')
    .orderBy('d.id')
    .limit(param('limit'));
}

const numeric = (rows: Candidate[]): Candidate[] => rows.map((r) => ({ ...r, next_attempt_at: Number(r.next_attempt_at) }));

/**
 * The candidates of a claim and how many each webhook may give: up to `perWebhook` each on SQLite (one worker:
 * its local slots bound the concurrency); with row locks, only webhooks this claim locked, each up to its share.
 */
async function selectCandidates(trx: Transaction<DatabaseSchema>, caps: StoreCapabilities, req: ClaimRequest): Promise<{ candidates: Candidate[]; shares: Map<string, number> | null }> {
  const includeExpired = req.includeExpired !== false;
  const { now, limit, perWebhook, exclude } = req;
  if (!caps.rowLocks) {
    const pending = await selectPendingCorrelated(trx, { now, perWebhook, limit, exclude });
    const expired = includeExpired ? await selectExpiredPlain(trx, { now, limit, exclude }) : [];
    return { candidates: [...numeric(pending), ...numeric(expired)], shares: null };
  }
  const { only, shares, takes } = await lockWithShares(trx, req);
  if (only.length === 0) return { candidates: [], shares };
  const most = Math.max(...takes);
  const pending = await selectPendingLateral(trx, { now, perWebhook: most, limit, only });
  const expired = includeExpired ? await selectExpiredLocking(trx, { now, limit, only }) : [];
  return { candidates: [...numeric(pending), ...numeric(expired)], shares };
}

/**
 * With row locks: locks the webhooks to claim from (claim-shares.ts) and answers those with a share (`only`), each
 * one's share, and how many to take of each at most (`takes`, in `only`'s order).
 */
async function lockWithShares(trx: Transaction<DatabaseSchema>, req: ClaimRequest): Promise<{ only: string[]; shares: Map<string, number>; takes: number[] }> {
  const { now, limit, perWebhook, exclude } = req;
  // Each locked webhook gives at least its concurrency's worth where it is contended: lock no more than the room needs.
  const webhooks = Math.max(1, Math.ceil(limit / Math.max(1, Math.min(perWebhook, req.concurrency))));
  const locked = await lockClaimable(trx, { now, exclude, includeExpired: req.includeExpired !== false, owner: req.owner, concurrency: req.concurrency, webhooks });
  if (locked.length === 0) return { only: [], shares: new Map(), takes: [] };
  const shares = await claimShares(trx, { ids: locked, owner: req.owner, now, concurrency: req.concurrency, perWebhook });
  const only = locked.filter((id) => (shares.get(id) ?? 0) > 0);
  // The room is spread over the locked webhooks (an even part each, at least the concurrency): a claim that took its
  // whole room from the one webhook first in due order would leave this worker no more requests in flight than that
  // webhook's concurrency, and other workers nothing of it.
  const even = Math.max(req.concurrency, Math.ceil(limit / Math.max(1, only.length)));
  return { only, shares, takes: only.map((id) => Math.min(even, shares.get(id)!)) };
}

/**
 * PostgreSQL, a claim without expired leases (all but one a second): the per-webhook probe and the lease stamp in
 * one statement, each locked webhook taking up to its `takes` entry in due order, `limit` in all. Each statement is a
 * round trip there; the separate select cost one per claim (issue 14: the pg-workers row claims ~12 deliveries at a time).
 */
const stampDuePending = preparedQuery<{ ids: readonly string[]; takes: readonly number[]; now: number; limit: number } & Omit<LeaseParams, 'ids'>, Selectable<DeliveryTable>>(
  (db, param) => {
    const take = sql<number>`(${param('takes')}::int[])[array_position(${param('ids')}::text[], "w"."id")]`;
    const due = db
      .selectFrom('webhooks as w')
      .innerJoinLateral(
        () => dueOfWebhook(db, param('now'), take, 'in').select(['d.id', 'd.next_attempt_at']).forUpdate().skipLocked().as('c'),
        (join) => join.onTrue(),
      )
      .select('c.id')
      .where(sql<boolean>`"w"."id" = any(${param('ids')}::text[])`)
      .orderBy('c.next_attempt_at')
      .orderBy('c.id')
      .limit(param('limit'));
    return db
      .updateTable('deliveries')
      .set({ ...leaseStamp(param), ...CLOSING })
      .where('id', 'in', due)
      .returningAll();
  },
);

/** Keeps candidates in due order, at most `perWebhook` (or the webhook's share) of each webhook and `limit` in all. */
function pick(candidates: Candidate[], req: ClaimRequest, shares: Map<string, number> | null): string[] {
  candidates.sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const taken = new Map<string, number>();
  const ids: string[] = [];
  for (const c of candidates) {
    if (ids.length >= req.limit) break;
    const n = taken.get(c.webhook_id) ?? 0;
    if (n >= (shares?.get(c.webhook_id) ?? req.perWebhook)) continue;
    taken.set(c.webhook_id, n + 1);
    ids.push(c.id);
  }
  return ids;
}

/**
 * Claims due deliveries in one transaction and stamps a lease on them: status `delivering`, lease owner and
 * expiry, next_attempt_at = lease expiry (so a crashed worker's deliveries come due again by themselves), and
 * an open batch closed for good. With row locks (PostgreSQL) the claim first locks the webhooks it takes from
 * (claim-shares.ts: the per-webhook concurrency holds across workers), and FOR UPDATE SKIP LOCKED keeps it off
 * rows another transaction writes; without (SQLite) the single writer makes the select-then-update atomic.
 */
export async function claimDeliveries(store: Pick<Store, 'db' | 'capabilities'>, req: ClaimRequest): Promise<Selectable<DeliveryTable>[]> {
  if (req.limit <= 0) return [];
  return store.db.transaction().execute(async (trx) => {
    if (store.capabilities.rowLocks && req.includeExpired === false) {
      const { only, takes } = await lockWithShares(trx, req);
      if (only.length === 0) return [];
      return stampDuePending(trx, { ids: only, takes, now: req.now, limit: req.limit, owner: req.owner, leaseEnd: req.now + req.leaseMs });
    }
    const { candidates, shares } = await selectCandidates(trx, store.capabilities, req);
    const ids = pick(candidates, req, shares);
    if (ids.length === 0) return [];
    const lease = { ids, owner: req.owner, leaseEnd: req.now + req.leaseMs, now: req.now };
    // Close the claimed open batches for good (the dispatcher appends no more to them). On SQLite a separate
    // statement, so that the common case, no batch, leaves the batch index alone instead of rewriting it for every
    // row; on PostgreSQL the stamp does it too (its update writes every index of the row anyway).
    if (store.capabilities.statementsAreRoundTrips) return stampLeasesClosingBatches(trx, lease);
    await closeClaimedBatches(trx, { ids });
    return stampLeases(trx, lease);
  });
}

const closeClaimedBatches = preparedQuery<{ ids: readonly string[] }, unknown>((db, param) =>
  db.updateTable('deliveries').set({ batch_open: 0, batch_records: null }).where('id', 'in', param.list('ids')).where('batch_open', '=', 1),
);

type LeaseParams = { ids: readonly string[]; owner: string; leaseEnd: number; now: number };

/** What a claim writes on the rows it takes: the lease (next_attempt_at = its expiry, so a crashed worker's come due again). */
function leaseStamp(param: QueryParam<Omit<LeaseParams, 'ids'>>) {
  return { status: 'delivering' as const, lease_owner: param('owner'), lease_expires_at: param('leaseEnd'), next_attempt_at: param('leaseEnd'), updated_at: param('now') };
}

/** Closes a claimed open batch for good (the dispatcher appends no more to it), written with the stamp. */
const CLOSING = { batch_open: 0, batch_records: sql<string | null>`case when batch_open = 1 then null else batch_records end` };

function stampQuery(closeBatches: boolean) {
  return preparedQuery<LeaseParams, Selectable<DeliveryTable>>((db, param) =>
    db
      .updateTable('deliveries')
      .set(closeBatches ? { ...leaseStamp(param), ...CLOSING } : leaseStamp(param))
      .where('id', 'in', param.list('ids'))
      .returningAll(),
  );
}

const stampLeases = stampQuery(false);
const stampLeasesClosingBatches = stampQuery(true);

/** The earliest future due time of the deliveries in one status: a single index probe on (status, next_attempt_at). */
function nextDueOf(status: typeof PENDING | typeof DELIVERING) {
  return preparedQuery<{ now: number }, { next_attempt_at: number }>((db, param) =>
    db.selectFrom('deliveries').select('next_attempt_at').where('status', '=', status).where('next_attempt_at', '>', param('now')).orderBy('next_attempt_at').limit(1),
  );
}

const selectNextDue = [nextDueOf(PENDING), nextDueOf(DELIVERING)];

/** Earliest future time a pending (or leased) delivery comes due, for the worker's sleep; null when none. */
export async function nextDueAt(store: Pick<Store, 'db'>, now: number): Promise<number | null> {
  // One status per query, each its own statement (the status a literal).
  let earliest: number | null = null;
  for (const select of selectNextDue) {
    const [row] = await select(store.db, { now });
    if (row && (earliest === null || Number(row.next_attempt_at) < earliest)) earliest = Number(row.next_attempt_at);
  }
  return earliest;
}
