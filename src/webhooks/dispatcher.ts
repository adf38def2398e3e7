import type { Transaction } from 'kysely';
import type { AppContext } from '../app-context.js';
import { chunked } from '../domain/chunked.js';
import type { EventType } from '../events/catalog.js';
import type { StoredEvent } from '../events/event.js';
import { eventFromRow } from '../events/outbox.js';
import { newId } from '../ids.js';
import type { DatabaseSchema, DeliveryTable } from '../store/schema.js';
import { claimUndispatchedEvents, type UndispatchedEvent } from './event-claim.js';
import { webhookWantsEvent } from './event-match.js';
import type { PayloadFormat } from './formats/format.js';
import { getFormat } from './formats/registry.js';
import type { BatchSettings } from './webhook-store.js';

/** Events fanned out per transaction: one webhook select, one multi-row insert and one update each. */
export const DISPATCH_BATCH = 200;

/** What one dispatch pass did. */
export interface DispatchReport {
  events: number;
  deliveries: number;
  /** Earliest time an open batch becomes due (its maxWaitMs runs out), if any is open. */
  nextBatchDueAt: number | null;
  /** Deliveries created already leased to the adopter's worker (committed; hand them to it). */
  adopted: DeliveryTable[];
}

/**
 * The delivery worker of this process, offered the deliveries a pass creates: each one it has room for is
 * inserted already leased to it and handed over after commit, instead of waiting for its next claim (a claim is
 * a transaction of its own: per small pass it cost more than the fan-out). Ordered and batched webhooks' deliveries
 * always go through the claim, which enforces their rules.
 */
export interface DeliveryAdopter {
  owner: string;
  leaseMs: number;
  /** How many more deliveries of this webhook the worker would take now. */
  room(webhookId: string): number;
}

interface DispatchHook {
  id: string;
  ordered: boolean;
  teamId: string;
  projectId: string | null;
  events: string[];
  blocking: boolean;
  createdAt: number;
  format: PayloadFormat;
  sendPayload: boolean;
  batch: BatchSettings | null;
}

interface OpenBatch {
  id: string;
  isNew: boolean;
  webhookId: string;
  teamId: string;
  projectId: string | null;
  eventType: EventType;
  format: PayloadFormat;
  records: unknown[];
  eventIds: string[];
  eventSeq: number;
  createdAt: number;
  dueAt: number;
  maxSize: number;
  full: boolean;
}

const batchKey = (webhookId: string, projectId: string | null, eventType: string): string => `${webhookId}\u0000${projectId ?? ''}\u0000${eventType}`;

/** The batching a webhook gets: its own `batch`, else its format's default (labelator: 100 records or 1 s). */
export function effectiveBatch(batch: BatchSettings | null, format: PayloadFormat): BatchSettings | null {
  return batch ?? format.defaultBatch ?? null;
}

async function loadHooks(trx: Transaction<DatabaseSchema>, teamIds: string[]): Promise<Map<string, DispatchHook[]>> {
  const rows = await trx
    .selectFrom('webhooks')
    .select(['id', 'team_id', 'project_id', 'events', 'blocking', 'created_at', 'format', 'send_payload', 'batch', 'ordered'])
    .where('team_id', 'in', teamIds)
    .where('enabled', '=', 1)
    .where('ephemeral', '=', 0)
    .execute();
  const byTeam = new Map<string, DispatchHook[]>();
  for (const r of rows) {
    const format = getFormat(r.format);
    const hook: DispatchHook = {
      id: r.id,
      ordered: r.ordered === 1,
      teamId: r.team_id,
      projectId: r.project_id,
      events: JSON.parse(r.events) as string[],
      blocking: r.blocking === 1,
      createdAt: Number(r.created_at),
      format,
      sendPayload: r.send_payload === 1,
      batch: effectiveBatch(r.batch ? (JSON.parse(r.batch) as BatchSettings) : null, format),
    };
    const list = byTeam.get(r.team_id) ?? [];
    list.push(hook);
    byTeam.set(r.team_id, list);
  }
  return byTeam;
}

async function loadOpenBatches(
  trx: Transaction<DatabaseSchema>,
  ctx: AppContext,
  hooks: Map<string, DispatchHook>,
): Promise<Map<string, OpenBatch>> {
  const open = new Map<string, OpenBatch>();
  const ids = [...hooks.values()].filter((h) => h.batch !== null).map((h) => h.id);
  for (const part of chunked(ids)) {
    let q = trx
      .selectFrom('deliveries')
      .select(['id', 'webhook_id', 'team_id', 'project_id', 'event_type', 'event_ids', 'event_seq', 'batch_records', 'created_at', 'next_attempt_at'])
      .where('webhook_id', 'in', part)
      .where('batch_open', '=', 1)
      .where('status', '=', 'pending');
    // The worker closes a due batch when it claims it; the lock makes it wait for (or skip) this append.
    if (ctx.store.dialect === 'postgres') q = q.forUpdate();
    for (const r of await q.execute()) {
      const hook = hooks.get(r.webhook_id)!;
      open.set(batchKey(r.webhook_id, r.project_id, r.event_type), {
        id: r.id,
        isNew: false,
        webhookId: r.webhook_id,
        teamId: r.team_id,
        projectId: r.project_id,
        eventType: r.event_type as EventType,
        format: hook.format,
        records: r.batch_records ? (JSON.parse(r.batch_records) as unknown[]) : [],
        eventIds: JSON.parse(r.event_ids) as string[],
        eventSeq: Number(r.event_seq),
        createdAt: Number(r.created_at),
        dueAt: Number(r.next_attempt_at),
        maxSize: hook.batch!.maxSize,
        full: false,
      });
    }
  }
  return open;
}

function deliveryRow(
  id: string,
  fields: Pick<DeliveryTable, 'team_id' | 'webhook_id' | 'project_id' | 'event_type' | 'event_ids' | 'event_seq' | 'payload' | 'item_count' | 'batch_open' | 'next_attempt_at' | 'batch_records'>,
  now: number,
): DeliveryTable {
  return {
    id,
    message_id: newId('msg', now),
    status: 'pending',
    attempt_count: 0,
    schedule_start: 0,
    lease_owner: null,
    lease_expires_at: null,
    last_status: null,
    last_error: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
    ...fields,
  };
}

/**
 * One fan-out pass over at most DISPATCH_BATCH undispatched events, in one transaction: each event becomes a
 * delivery for every enabled webhook whose scope and filter match (its body rendered once, here), or records
 * appended to the webhook's open batch; the events are then marked dispatched.
 */
export async function dispatchOnce(ctx: AppContext, limit = DISPATCH_BATCH, adopter?: DeliveryAdopter): Promise<DispatchReport> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const events = await claimUndispatchedEvents(trx, ctx.store.dialect, limit);
    if (events.length === 0) return { events: 0, deliveries: 0, nextBatchDueAt: null, adopted: [] };
    const hooksByTeam = await loadHooks(trx, [...new Set(events.map((e) => e.team_id))]);
    const hooksById = new Map([...hooksByTeam.values()].flat().map((h) => [h.id, h]));
    const open = await loadOpenBatches(trx, ctx, hooksById);
    const touched = new Set<OpenBatch>();
    const inserts: DeliveryTable[] = [];
    for (const row of events) fanOut(row, hooksByTeam.get(row.team_id) ?? [], open, touched, inserts, now);

    for (const b of touched) {
      const payload = b.format.render(b.records, b.eventType, true);
      const state = {
        payload,
        item_count: b.records.length,
        event_ids: JSON.stringify(b.eventIds),
        event_seq: b.eventSeq,
        batch_open: b.full ? 0 : 1,
        batch_records: b.full ? null : JSON.stringify(b.records),
        // A full batch is due now; a partial one when its maxWaitMs runs out.
        next_attempt_at: b.full ? Math.min(b.dueAt, now) : b.dueAt,
      };
      if (b.isNew) {
        inserts.push(deliveryRow(b.id, { team_id: b.teamId, webhook_id: b.webhookId, project_id: b.projectId, event_type: b.eventType, ...state }, b.createdAt));
      } else {
        await trx.updateTable('deliveries').set({ ...state, updated_at: now }).where('id', '=', b.id).execute();
      }
    }
    const adopted = adopter ? adopt(inserts, hooksById, adopter, now) : [];
    for (const part of chunked(inserts)) await trx.insertInto('deliveries').values(part).execute();
    for (const part of chunked(events.map((e) => e.seq))) {
      await trx.updateTable('events').set({ dispatched_at: now }).where('seq', 'in', part).execute();
    }
    const stillOpen = [...open.values()].filter((b) => !b.full).map((b) => b.dueAt);
    return { events: events.length, deliveries: inserts.length, nextBatchDueAt: stillOpen.length > 0 ? Math.min(...stillOpen) : null, adopted };
  });
}

/** Leases to the adopter, in place, the new single deliveries of unordered webhooks it has room for; answers them. */
function adopt(inserts: DeliveryTable[], hooks: Map<string, DispatchHook>, adopter: DeliveryAdopter, now: number): DeliveryTable[] {
  const leaseEnd = now + adopter.leaseMs;
  const room = new Map<string, number>();
  const adopted: DeliveryTable[] = [];
  for (const row of inserts) {
    const hook = hooks.get(row.webhook_id);
    if (!hook || hook.ordered || hook.batch !== null || row.status !== 'pending') continue;
    let left = room.get(row.webhook_id);
    if (left === undefined) left = adopter.room(row.webhook_id);
    if (left <= 0) continue;
    room.set(row.webhook_id, left - 1);
    row.status = 'delivering';
    row.lease_owner = adopter.owner;
    row.lease_expires_at = leaseEnd;
    row.next_attempt_at = leaseEnd;
    adopted.push(row);
  }
  return adopted;
}

function fanOut(
  row: UndispatchedEvent,
  hooks: DispatchHook[],
  open: Map<string, OpenBatch>,
  touched: Set<OpenBatch>,
  inserts: DeliveryTable[],
  now: number,
): void {
  const matching = hooks.filter((h) => webhookWantsEvent(h, { type: row.type, projectId: row.project_id, createdAt: row.created_at }));
  if (matching.length === 0) return;
  const event: StoredEvent = eventFromRow(row);
  // Webhooks of one format and payload option get the same records and the same body: compute them once.
  const recordCache = new Map<string, unknown[]>();
  const bodyCache = new Map<string, string>();
  for (const hook of matching) {
    const cacheKey = `${hook.format.name}:${hook.sendPayload}`;
    let records = recordCache.get(cacheKey);
    if (!records) {
      records = hook.format.records(event, { sendPayload: hook.sendPayload });
      recordCache.set(cacheKey, records);
    }
    const common = { team_id: row.team_id, webhook_id: hook.id, project_id: row.project_id, event_type: event.type, event_ids: JSON.stringify([event.id]), event_seq: row.seq };
    if (hook.batch === null) {
      records.forEach((record, i) => {
        const key = `${cacheKey}:${i}`;
        let payload = bodyCache.get(key);
        if (payload === undefined) {
          payload = hook.format.render([record], event.type, false);
          bodyCache.set(key, payload);
        }
        inserts.push(deliveryRow(newId('dlv', now), { ...common, payload, item_count: 1, batch_open: 0, batch_records: null, next_attempt_at: now }, now));
      });
      continue;
    }
    const key = batchKey(hook.id, row.project_id, event.type);
    for (const record of records) {
      let b = open.get(key);
      if (!b || b.full) {
        b = {
          id: newId('dlv', now),
          isNew: true,
          webhookId: hook.id,
          teamId: row.team_id,
          projectId: row.project_id,
          eventType: event.type,
          format: hook.format,
          records: [],
          eventIds: [],
          eventSeq: row.seq,
          createdAt: now,
          dueAt: now + hook.batch.maxWaitMs,
          maxSize: hook.batch.maxSize,
          full: false,
        };
        open.set(key, b);
      }
      b.records.push(record);
      if (!b.eventIds.includes(event.id)) b.eventIds.push(event.id);
      b.eventSeq = Math.min(b.eventSeq, row.seq);
      if (b.records.length >= b.maxSize) b.full = true;
      touched.add(b);
    }
  }
}
