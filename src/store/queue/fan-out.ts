import { sql, type Transaction } from 'kysely';
import type { StoreCapabilities } from '../capabilities.js';
import { powerOfTwoParts, preparedQuery } from '../db.js';
import type { DatabaseSchema, DeliveryTable, WebhookTable } from '../schema.js';
import { PENDING } from './status-literals.js';

// Every fan-out pass runs these statements: each is compiled once per database and list length (preparedQuery).

/** An outbox row waiting to be fanned out. */
export interface UndispatchedEvent {
  seq: number;
  id: string;
  team_id: string;
  project_id: string | null;
  type: string;
  data: string;
  created_at: number;
}

/**
 * Takes the oldest undispatched events inside the dispatcher's transaction. With row locks (PostgreSQL) they are
 * taken with SKIP LOCKED so several dispatchers each take different events (each event is fanned out exactly once,
 * because dispatched_at is set in the same transaction); SQLite has one writer.
 */
export async function claimEventsToFanOut(trx: Transaction<DatabaseSchema>, caps: StoreCapabilities, limit: number): Promise<UndispatchedEvent[]> {
  const rows = await (caps.rowLocks ? selectUndispatchedLocking : selectUndispatchedPlain)(trx, { limit });
  return rows.map((r) => ({ ...r, seq: Number(r.seq), created_at: Number(r.created_at) }));
}

/**
 * One dispatcher at a time per database (PostgreSQL): with several, a later event's deliveries could commit before an
 * earlier one's and an ordered webhook would send them out of order. Fan-out is cheap; the others skip the pass. An
 * uncorrelated subquery, so the lock is tried once, before any row is read, in the select's own round trip. The
 * select's snapshot may predate the commit of the pass that held the lock: FOR UPDATE re-reads each row it takes,
 * so the events that pass marked dispatched drop out.
 */
const DISPATCH_LOCK = sql<boolean>`(select pg_try_advisory_xact_lock(hashtext('labelhook_dispatch:' || current_schema())))`;

/** claimEventsToFanOut's select, under the dispatch lock and with `FOR UPDATE SKIP LOCKED` where the database has row locks. */
function undispatchedQuery(locking: boolean) {
  return preparedQuery<{ limit: number }, UndispatchedEvent>((db, param) => {
    const q = db
      .selectFrom('events')
      .select(['seq', 'id', 'team_id', 'project_id', 'type', 'data', 'created_at'])
      .where('dispatched_at', 'is', null)
      .orderBy('seq')
      .limit(param('limit'));
    return locking ? q.where(DISPATCH_LOCK).forUpdate().skipLocked() : q;
  });
}

const selectUndispatchedLocking = undispatchedQuery(true);
const selectUndispatchedPlain = undispatchedQuery(false);

/** Marks the events `seqs` (one `in` list's worth) fanned out at `now`, in the pass's transaction. */
export async function markEventsDispatched(trx: Transaction<DatabaseSchema>, seqs: readonly number[], now: number): Promise<void> {
  await updateDispatched(trx, { seqs, now });
}

const updateDispatched = preparedQuery<{ seqs: readonly number[]; now: number }, unknown>((db, param) =>
  db.updateTable('events').set({ dispatched_at: param('now') }).where('seq', 'in', param.list('seqs')),
);

/**
 * Inserts a chunk of new deliveries (at most CHUNK_SIZE rows: a few multi-row statements, of power-of-two row counts)
 * in the pass's transaction.
 */
export async function insertDeliveries(trx: Transaction<DatabaseSchema>, rows: readonly DeliveryTable[]): Promise<void> {
  for (const part of powerOfTwoParts(rows)) await insertDeliveryRows(trx, { rows: part });
}

const insertDeliveryRows = preparedQuery<{ rows: readonly DeliveryTable[] }, unknown>((db, param) => db.insertInto('deliveries').values(param.rows('rows')));

/**
 * The open batches of the webhooks `webhookIds` (one `in` list's worth), locked until the pass's transaction ends
 * where the database has row locks: the worker closes a due batch when it claims it, and the lock makes it wait for
 * this pass's append (SQLite's single writer does that by itself).
 */
export async function lockOpenBatches(trx: Transaction<DatabaseSchema>, caps: StoreCapabilities, webhookIds: readonly string[]): Promise<OpenBatch[]> {
  return (caps.rowLocks ? selectOpenBatchesLocking : selectOpenBatchesPlain)(trx, { webhookIds });
}

/** An open batch as lockOpenBatches answers it. */
export type OpenBatch = Pick<
  DeliveryTable,
  'id' | 'webhook_id' | 'team_id' | 'project_id' | 'event_type' | 'event_ids' | 'event_seq' | 'batch_records' | 'payload' | 'created_at' | 'next_attempt_at'
>;

/** lockOpenBatches' select, with `FOR UPDATE` where the database has row locks. */
function openBatchesQuery(locking: boolean) {
  return preparedQuery<{ webhookIds: readonly string[] }, OpenBatch>((db, param) => {
    const q = db
      .selectFrom('deliveries')
      .select(['id', 'webhook_id', 'team_id', 'project_id', 'event_type', 'event_ids', 'event_seq', 'batch_records', 'payload', 'created_at', 'next_attempt_at'])
      .where('webhook_id', 'in', param.list('webhookIds'))
      .where('batch_open', '=', 1)
      .where('status', '=', PENDING);
    return locking ? q.forUpdate() : q;
  });
}

const selectOpenBatchesLocking = openBatchesQuery(true);
const selectOpenBatchesPlain = openBatchesQuery(false);

/** A webhook as the fan-out pass reads it: what matching, rendering and batching need. */
export type DispatchWebhookRow = Pick<
  WebhookTable,
  'id' | 'team_id' | 'project_id' | 'events' | 'blocking' | 'created_at' | 'updated_at' | 'format' | 'send_payload' | 'batch' | 'ordered' | 'max_body_bytes'
>;

/** The enabled, lasting webhooks of the teams `teamIds` (one `in` list's worth), read once per pass. */
export async function selectDispatchWebhooks(trx: Transaction<DatabaseSchema>, teamIds: readonly string[]): Promise<DispatchWebhookRow[]> {
  return selectWebhooksOfTeams(trx, { teamIds });
}

const selectWebhooksOfTeams = preparedQuery<{ teamIds: readonly string[] }, DispatchWebhookRow>((db, param) =>
  db
    .selectFrom('webhooks')
    .select(['id', 'team_id', 'project_id', 'events', 'blocking', 'created_at', 'updated_at', 'format', 'send_payload', 'batch', 'ordered', 'max_body_bytes'])
    .where('team_id', 'in', param.list('teamIds'))
    .where('enabled', '=', 1)
    .where('ephemeral', '=', 0),
);
