import type { Transaction } from 'kysely';
import type { AppContext } from '../../app-context.js';
import { chunked } from '../../domain/chunked.js';
import type { EventType } from '../../events/catalog.js';
import { newId } from '../../ids.js';
import { lockOpenBatches } from '../../store/queue/fan-out.js';
import type { DatabaseSchema } from '../../store/schema.js';
import type { DeliverySink } from './delivery-sink.js';
import type { PayloadFormat } from '../formats/format.js';
import { deliveryRow } from './delivery-row.js';
import type { BatchSettings } from '../admin/webhook-store.js';

// The batches a fan-out pass appends records to: a batch closes at its maxSize, or before the record that would
// take its body over the webhook's maxBodyBytes, and is written as soon as it closes.

/** The webhook fields batching needs. */
export interface BatchHook {
  id: string;
  format: PayloadFormat;
  batch: BatchSettings | null;
  maxBodyBytes: number;
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
  /** The rendered body's length in bytes with the current records. */
  bytes: number;
  full: boolean;
}

/** Where one event's records go in a batch. */
export interface BatchTarget {
  teamId: string;
  projectId: string | null;
  eventType: EventType;
  eventId: string;
  eventSeq: number;
}

const batchKey = (webhookId: string, projectId: string | null, eventType: string): string => `${webhookId}\u0000${projectId ?? ''}\u0000${eventType}`;

/** Bytes of a format's batch body holding no records: what every batch of that format adds around its records. */
export function batchEnvelope(format: PayloadFormat, eventType: EventType): number {
  return Buffer.byteLength(format.render([], eventType, true));
}

/** The open batches of a pass, and how records are appended to them. */
export interface BatchBook {
  append(hook: BatchHook, target: BatchTarget, record: unknown, recordBytes: number): Promise<void>;
  /** Writes every batch the pass touched and has not written yet; answers when the earliest still-open one is due. */
  finish(): Promise<number | null>;
}

/** The open batches of the batching webhooks among `hooks`, by (webhook, project, event type); locked (lockOpenBatches). */
async function loadOpenBatches(trx: Transaction<DatabaseSchema>, ctx: AppContext, hooks: Map<string, BatchHook>): Promise<Map<string, OpenBatch>> {
  const open = new Map<string, OpenBatch>();
  const ids = [...hooks.values()].filter((h) => h.batch !== null).map((h) => h.id);
  for (const part of chunked(ids)) {
    for (const r of await lockOpenBatches(trx, ctx.store.capabilities, part)) {
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
        bytes: Buffer.byteLength(r.payload),
        full: false,
      });
    }
  }
  return open;
}

/** Loads the open batches of the batching webhooks among `hooks` into a book whose new rows go to `sink`. */
export async function openBatchBook(trx: Transaction<DatabaseSchema>, ctx: AppContext, hooks: Map<string, BatchHook>, sink: DeliverySink, now: number): Promise<BatchBook> {
  const open = await loadOpenBatches(trx, ctx, hooks);
  const touched = new Set<OpenBatch>();

  async function write(b: OpenBatch): Promise<void> {
    touched.delete(b);
    const state = {
      payload: b.format.render(b.records, b.eventType, true),
      item_count: b.records.length,
      event_ids: JSON.stringify(b.eventIds),
      event_seq: b.eventSeq,
      batch_open: b.full ? 0 : 1,
      batch_records: b.full ? null : JSON.stringify(b.records),
      // A full batch is due now; a partial one when its maxWaitMs runs out.
      next_attempt_at: b.full ? Math.min(b.dueAt, now) : b.dueAt,
    };
    if (b.isNew) {
      const row = deliveryRow(b.id, { team_id: b.teamId, webhook_id: b.webhookId, project_id: b.projectId, event_type: b.eventType, ...state }, b.createdAt);
      if (sink.add(row)) await sink.flush();
    } else {
      await trx.updateTable('deliveries').set({ ...state, updated_at: now }).where('id', '=', b.id).execute();
    }
    // Written full batches take no more records; dropping them frees their records now.
    if (b.full) b.records = [];
  }

  function start(hook: BatchHook, t: BatchTarget): OpenBatch {
    const b: OpenBatch = {
      id: newId('dlv', now),
      isNew: true,
      webhookId: hook.id,
      teamId: t.teamId,
      projectId: t.projectId,
      eventType: t.eventType,
      format: hook.format,
      records: [],
      eventIds: [],
      eventSeq: t.eventSeq,
      createdAt: now,
      dueAt: now + hook.batch!.maxWaitMs,
      maxSize: hook.batch!.maxSize,
      bytes: batchEnvelope(hook.format, t.eventType),
      full: false,
    };
    open.set(batchKey(hook.id, t.projectId, t.eventType), b);
    return b;
  }

  return {
    async append(hook, t, record, recordBytes) {
      let b = open.get(batchKey(hook.id, t.projectId, t.eventType));
      if (b && !b.full && b.records.length > 0 && b.bytes + 1 + recordBytes > hook.maxBodyBytes) {
        b.full = true;
        await write(b);
      }
      if (!b || b.full) b = start(hook, t);
      b.bytes += (b.records.length > 0 ? 1 : 0) + recordBytes;
      b.records.push(record);
      if (!b.eventIds.includes(t.eventId)) b.eventIds.push(t.eventId);
      b.eventSeq = Math.min(b.eventSeq, t.eventSeq);
      touched.add(b);
      if (b.records.length >= b.maxSize) {
        b.full = true;
        await write(b);
      }
    },
    async finish() {
      for (const b of [...touched]) await write(b);
      const stillOpen = [...open.values()].filter((b) => !b.full).map((b) => b.dueAt);
      return stillOpen.length > 0 ? Math.min(...stillOpen) : null;
    },
  };
}
