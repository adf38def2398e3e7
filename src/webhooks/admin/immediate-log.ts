import type { Transaction } from 'kysely';
import { newId } from '../../ids.js';
import type { DatabaseSchema, DeliveryTable } from '../../store/schema.js';
import { attemptRow, failureSummary } from '../delivery/delivery-results.js';
import type { SentAttempt } from '../transport/send-attempt.js';

/** The facts of a delivery that was sent on the spot (a gate call or a test PING) rather than queued. */
export interface ImmediateDelivery {
  teamId: string;
  webhookId: string;
  projectId: string | null;
  eventType: string;
  eventIds: string[];
  messageId: string;
  body: string;
  sent: SentAttempt;
  /** Whether the call counts as delivered (gate: the receiver answered 2xx). */
  succeeded: boolean;
}

/** The delivery and attempt rows that log an immediate call like any queued delivery. */
export function immediateRows(d: ImmediateDelivery): { delivery: DeliveryTable; attempt: ReturnType<typeof attemptRow> } {
  const now = d.sent.at;
  const delivery: DeliveryTable = {
    id: newId('dlv', now),
    message_id: d.messageId,
    team_id: d.teamId,
    webhook_id: d.webhookId,
    project_id: d.projectId,
    event_type: d.eventType,
    event_ids: JSON.stringify(d.eventIds),
    event_seq: 0,
    payload: d.body,
    item_count: 1,
    batch_open: 0,
    batch_records: null,
    status: d.succeeded ? 'succeeded' : 'failed',
    attempt_count: 1,
    schedule_start: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_expires_at: null,
    last_status: d.sent.responseStatus,
    last_error: d.succeeded ? null : failureSummary(d.sent) ?? `http_${d.sent.responseStatus}`,
    created_at: now,
    updated_at: now,
    completed_at: now,
  };
  return { delivery, attempt: attemptRow({ id: delivery.id, team_id: d.teamId, webhook_id: d.webhookId }, d.sent, 1) };
}

/** Writes immediate deliveries with their attempts in one transaction. */
export async function logImmediate(trx: Transaction<DatabaseSchema>, items: ImmediateDelivery[]): Promise<{ deliveryId: string; attemptId: string }[]> {
  if (items.length === 0) return [];
  const rows = items.map(immediateRows);
  await trx.insertInto('deliveries').values(rows.map((r) => r.delivery)).execute();
  await trx.insertInto('attempts').values(rows.map((r) => r.attempt)).execute();
  return rows.map((r) => ({ deliveryId: r.delivery.id, attemptId: r.attempt.id }));
}
