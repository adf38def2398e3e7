import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../../app-context.js';
import { chunked } from '../../domain/chunked.js';
import type { StoredEvent } from '../../events/event.js';
import { eventFromRow } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import { claimEventsToFanOut, markEventsDispatched, selectDispatchWebhooks, type DispatchWebhookRow, type UndispatchedEvent } from '../../store/queue/fan-out.js';
import { adoptionShares } from '../../store/queue/claim-shares.js';
import type { DatabaseSchema, DeliveryTable } from '../../store/schema.js';
import { deliveryRow, partDeliveryId } from './delivery-row.js';
import { deliverySink, type AdoptionShares, type DeliverySink } from './delivery-sink.js';
import { webhookWantsEvent } from './event-match.js';
import { fitRecordInSteps, STEP, type FitTarget, type FittedRecord } from './fit-record.js';
import { jsonParseInSlices, pacer, yieldToEventLoop, type Breather } from '../../domain/slices.js';
import type { PayloadFormat } from '../formats/format.js';
import { getFormat } from '../formats/registry.js';
import { batchEnvelope, openBatchBook, type BatchBook } from './open-batches.js';
import type { BatchSettings } from '../admin/webhook-store.js';

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
  /** The version (updated_at) of each webhook the pass read, as of its transaction: the worker's cache checks it. */
  webhookVersions?: ReadonlyMap<string, number>;
  /** Undispatched events were left behind for the next pass (a large event's pass takes it alone). */
  more?: boolean;
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
  updatedAt: number;
  ordered: boolean;
  teamId: string;
  projectId: string | null;
  events: string[];
  blocking: boolean;
  createdAt: number;
  format: PayloadFormat;
  sendPayload: boolean;
  batch: BatchSettings | null;
  maxBodyBytes: number;
}

/** The batching a webhook gets: its own `batch`, else its format's default (labelator: 100 records or 1 s). */
export function effectiveBatch(batch: BatchSettings | null, format: PayloadFormat): BatchSettings | null {
  return batch ?? format.defaultBatch ?? null;
}

async function loadHooks(trx: Transaction<DatabaseSchema>, teamIds: string[]): Promise<Map<string, DispatchHook[]>> {
  const rows: DispatchWebhookRow[] = [];
  for (const part of chunked(teamIds)) rows.push(...(await selectDispatchWebhooks(trx, part)));
  const byTeam = new Map<string, DispatchHook[]>();
  for (const r of rows) {
    const format = getFormat(r.format);
    const hook: DispatchHook = {
      id: r.id,
      updatedAt: Number(r.updated_at),
      ordered: r.ordered === 1,
      teamId: r.team_id,
      projectId: r.project_id,
      events: JSON.parse(r.events) as string[],
      blocking: r.blocking === 1,
      createdAt: Number(r.created_at),
      format,
      sendPayload: r.send_payload === 1,
      batch: effectiveBatch(r.batch ? (JSON.parse(r.batch) as BatchSettings) : null, format),
      maxBodyBytes: Number(r.max_body_bytes),
    };
    const list = byTeam.get(r.team_id) ?? [];
    list.push(hook);
    byTeam.set(r.team_id, list);
  }
  return byTeam;
}

/**
 * Stored event JSON longer than this (characters, read before parsing) is fanned out in a pass of its own, in
 * steps: a 10,000-label update's event is ~6 MB, a 100,000-document import's ~16 MB.
 */
export const LARGE_EVENT_CHARS = 1_000_000;

/** Work between two pauses of a large event's pass (ms). */
const STEP_BUDGET_MS = 15;

/** Rendered payload a large event's pass buffers before an insert: each insert stays a short step. */
const LARGE_FLUSH_BYTES = 2 * 1024 * 1024;

/** Whether an outbox row's event is large enough for a pass of its own. */
export const isLargeEvent = (row: Pick<UndispatchedEvent, 'data'>): boolean => row.data.length > LARGE_EVENT_CHARS;

/**
 * One fan-out pass over at most DISPATCH_BATCH undispatched events, in one transaction: each event becomes a
 * delivery for every enabled webhook whose scope and filter match (its body rendered once, here; a list event too
 * large for the webhook's limit becomes several, its parts), or records appended to the webhook's open batch; the
 * events are then marked dispatched. Deliveries are inserted in chunks as they are made. The transaction runs on
 * `db`: the store's, or a connection the dispatch loop holds (PostgreSQL).
 *
 * A large event (isLargeEvent) ends the ordinary pass before it and is fanned out next, alone, in a bulk transaction
 * (on SQLite a commit group of its own) that lets the event loop run between its steps: measuring, parts, inserts.
 */
export async function dispatchOnce(
  ctx: AppContext,
  limit = DISPATCH_BATCH,
  adopter?: DeliveryAdopter,
  db: Kysely<DatabaseSchema> = ctx.store.db,
): Promise<DispatchReport> {
  const first = await db.transaction().execute((trx) => dispatchPass(ctx, trx, limit, adopter, null));
  if (!first.largeNext) return first.report;
  let large: Awaited<ReturnType<typeof dispatchPass>>;
  // Without row locks (SQLite: one dispatcher, one writer) the row the first pass read is taken as it is, once
  // checked still undispatched, instead of reading megabytes again; with them, the claim's locks and SKIP LOCKED decide.
  const known = ctx.store.capabilities.rowLocks ? null : first.largeNext;
  try {
    large = await ctx.store.bulkTransaction().execute((trx) => dispatchPass(ctx, trx, 1, adopter, pacer(yieldToEventLoop, STEP_BUDGET_MS), known));
  } catch (err) {
    // The first pass committed: its deliveries (some leased to the adopter) must still be reported.
    ctx.logger.error({ err }, 'fan-out of a large event failed; retrying after the poll interval');
    return first.report;
  }
  const a = first.report;
  const b = large.report;
  const due = [a.nextBatchDueAt, b.nextBatchDueAt].filter((d): d is number => d !== null);
  return {
    events: a.events + b.events,
    deliveries: a.deliveries + b.deliveries,
    nextBatchDueAt: due.length > 0 ? Math.min(...due) : null,
    adopted: [...a.adopted, ...b.adopted],
    webhookVersions: new Map([...(a.webhookVersions ?? []), ...(b.webhookVersions ?? [])]),
    // Events after the large one were left for the next pass.
    more: true,
  };
}

/**
 * The work of one pass in `trx`. Without `pause` (an ordinary transaction, which must not yield) it stops before
 * the first large event and says so; with it, it takes the events as they come and pauses between steps.
 */
async function dispatchPass(
  ctx: AppContext,
  trx: Transaction<DatabaseSchema>,
  limit: number,
  adopter: DeliveryAdopter | undefined,
  pause: Breather | null,
  known: UndispatchedEvent | null = null,
): Promise<{ report: DispatchReport; largeNext: UndispatchedEvent | null }> {
  const now = ctx.clock();
  let events = known ? await claimKnownEvent(trx, known) : await claimEventsToFanOut(trx, ctx.store.capabilities, limit);
  const cut = pause ? -1 : events.findIndex(isLargeEvent);
  const largeNext = cut >= 0 ? events[cut]! : null;
  if (cut >= 0) events = events.slice(0, cut);
  if (events.length === 0) return { report: { events: 0, deliveries: 0, nextBatchDueAt: null, adopted: [] }, largeNext };
  const hooksByTeam = await loadHooks(trx, [...new Set(events.map((e) => e.team_id))]);
  const hooksById = new Map([...hooksByTeam.values()].flat().map((h) => [h.id, h]));
  const adoptable = (id: string): boolean => {
    const h = hooksById.get(id);
    return h !== undefined && !h.ordered && h.batch === null;
  };
  // Where several workers share the queue, adoption takes no more than a claim could (src/store/queue/claim-shares.ts).
  const shares: AdoptionShares | undefined =
    adopter && ctx.store.capabilities.globalConcurrency
      ? (ids) => adoptionShares(trx, { ids, owner: adopter.owner, now, concurrency: ctx.config.webhookConcurrency, perWebhook: Number.POSITIVE_INFINITY })
      : undefined;
  const sink = deliverySink(trx, now, adopter, adoptable, pause ? LARGE_FLUSH_BYTES : undefined, shares);
  const book = await openBatchBook(trx, ctx, hooksById, sink, now);
  for (const row of events) await fanOut(row, hooksByTeam.get(row.team_id) ?? [], book, sink, now, pause);
  const nextBatchDueAt = await book.finish();
  await sink.flush();
  for (const part of chunked(events.map((e) => e.seq))) await markEventsDispatched(trx, part, now);
  const webhookVersions = new Map([...hooksById.values()].map((h) => [h.id, h.updatedAt]));
  const report = { events: events.length, deliveries: sink.count(), nextBatchDueAt, adopted: sink.adopted, webhookVersions, more: largeNext !== null };
  return { report, largeNext };
}

/**
 * `row` if it is still undispatched, checked in `trx`, which holds the single writer until it marks it dispatched.
 * The check reads the undispatched-events index only: touching the row itself would read its megabytes again.
 */
async function claimKnownEvent(trx: Transaction<DatabaseSchema>, row: UndispatchedEvent): Promise<UndispatchedEvent[]> {
  const still = await trx.selectFrom('events').select('seq').where('seq', '=', row.seq).where('dispatched_at', 'is', null).executeTakeFirst();
  return still ? [row] : [];
}

type Common = Pick<DeliveryTable, 'team_id' | 'webhook_id' | 'project_id' | 'event_type' | 'event_ids' | 'event_seq'>;

async function fanOut(row: UndispatchedEvent, hooks: DispatchHook[], book: BatchBook, sink: DeliverySink, now: number, pause: Breather | null): Promise<void> {
  const matching = hooks.filter((h) => webhookWantsEvent(h, { type: row.type, projectId: row.project_id, createdAt: row.created_at }));
  if (matching.length === 0) return;
  // A large event's JSON is parsed in slices too (the same object as eventFromRow's).
  const event: StoredEvent = pause ? { ...((await jsonParseInSlices(row.data, pause)) as Omit<StoredEvent, 'seq'>), seq: Number(row.seq) } : eventFromRow(row);
  const eventIds = JSON.stringify([event.id]);
  const common = (hook: DispatchHook): Common => ({
    team_id: row.team_id,
    webhook_id: hook.id,
    project_id: row.project_id,
    event_type: event.type,
    event_ids: eventIds,
    event_seq: row.seq,
  });
  // Webhooks of one format and payload option get the same records, and with the same limit the same bodies:
  // compute them once.
  const recordCache = new Map<string, unknown[]>();
  const recordsOf = (hook: DispatchHook): unknown[] => {
    const key = `${hook.format.name}:${hook.sendPayload}`;
    let records = recordCache.get(key);
    if (!records) {
      records = hook.format.records(event, { sendPayload: hook.sendPayload });
      recordCache.set(key, records);
    }
    return records;
  };
  const singles = new Map<string, DispatchHook[]>();
  for (const hook of matching) {
    if (hook.batch !== null) continue;
    const key = `${hook.format.name}:${hook.sendPayload}:${hook.maxBodyBytes}`;
    const group = singles.get(key);
    if (group) group.push(hook);
    else singles.set(key, [hook]);
  }
  for (const group of singles.values()) await sendSingles(event, group, recordsOf(group[0]!), common, sink, now, pause);

  const fitCache = new Map<string, SizedRecord[]>();
  for (const hook of matching) {
    if (hook.batch === null) continue;
    const budget = hook.maxBodyBytes - batchEnvelope(hook.format, event.type);
    const target = { event, format: hook.format, sendPayload: hook.sendPayload, render: (r: unknown) => JSON.stringify(r), budget };
    const fitted = cachedFits(fitCache, `${hook.format.name}:${hook.sendPayload}:${budget}`, recordsOf(hook), target);
    const batchTarget = { teamId: row.team_id, projectId: row.project_id, eventType: event.type, eventId: event.id, eventSeq: row.seq };
    for (const f of fitted) {
      if (f === STEP) {
        if (pause) await pause();
        continue;
      }
      await book.append(hook, batchTarget, f.record, f.bytes);
      if (pause) await pause();
    }
  }
}

/** One delivery per fitted body per webhook of `group` (same format, payload option and limit: same bodies). */
async function sendSingles(
  event: StoredEvent,
  group: DispatchHook[],
  records: unknown[],
  common: (h: DispatchHook) => Common,
  sink: DeliverySink,
  now: number,
  pause: Breather | null,
): Promise<void> {
  const { format, sendPayload, maxBodyBytes } = group[0]!;
  const render = (r: unknown): string => format.render([r], event.type, false);
  for (let index = 0; index < records.length; index++) {
    const target: FitTarget = { event, format, sendPayload, index, render, budget: maxBodyBytes };
    let bases: string[] | null = null;
    for (const fitted of fitRecordInSteps(target, records[index])) {
      if (fitted === STEP) {
        if (pause) await pause();
        continue;
      }
      if (fitted.part && !bases) bases = group.map(() => newId('dlv', now));
      for (let k = 0; k < group.length; k++) {
        const id = fitted.part && bases ? partDeliveryId(bases[k]!, fitted.part.index) : newId('dlv', now);
        if (sink.add(deliveryRow(id, { ...common(group[k]!), payload: fitted.text, item_count: 1, batch_open: 0, batch_records: null, next_attempt_at: now }, now))) {
          await sink.flush();
          if (pause) await pause();
        }
      }
    }
    if (pause) await pause();
  }
}

interface SizedRecord extends FittedRecord {
  bytes: number;
}

/**
 * The fitted records of an event for batching webhooks of one format, payload option and budget, with their sizes.
 * Kept for the next such webhook unless the event was split: parts are made again rather than held.
 */
function* cachedFits(cache: Map<string, SizedRecord[]>, key: string, records: unknown[], target: Omit<FitTarget, 'index'>): Generator<SizedRecord | typeof STEP> {
  const hit = cache.get(key);
  if (hit) {
    yield* hit;
    return;
  }
  const kept: SizedRecord[] = [];
  let split = false;
  for (const [index, record] of records.entries()) {
    for (const f of fitRecordInSteps({ ...target, index }, record)) {
      if (f === STEP) {
        yield f;
        continue;
      }
      const sized = { ...f, bytes: Buffer.byteLength(f.text) };
      if (f.part) split = true;
      else if (!split) kept.push(sized);
      yield sized;
    }
  }
  if (!split) cache.set(key, kept);
}
