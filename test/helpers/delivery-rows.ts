import type { Kysely } from 'kysely';
import { newId } from '../../src/ids.js';
import type { DatabaseSchema, DeliveryTable } from '../../src/store/schema.js';

/** One attempt to record: when, how it ended and how long it took. */
export interface AttemptSpec {
  at: number;
  outcome: 'ok' | 'retryable' | 'permanent';
  status?: number | null;
  durationMs: number;
}

/** Writes a delivery and its attempts straight into the log, as the engine would have left them. */
export async function insertDelivery(
  db: Kysely<DatabaseSchema>,
  d: { teamId: string; webhookId: string; eventType: string; status: DeliveryTable['status']; createdAt: number; attempts: AttemptSpec[] },
): Promise<string> {
  const id = newId('dlv', d.createdAt);
  await db
    .insertInto('deliveries')
    .values({
      id,
      message_id: newId('msg', d.createdAt),
      team_id: d.teamId,
      webhook_id: d.webhookId,
      project_id: null,
      event_type: d.eventType,
      event_ids: '[]',
      event_seq: 0,
      payload: '{}',
      item_count: 1,
      batch_open: 0,
      batch_records: null,
      schedule_start: 0,
      status: d.status,
      attempt_count: d.attempts.length,
      next_attempt_at: d.createdAt,
      lease_owner: null,
      lease_expires_at: null,
      last_status: d.attempts.at(-1)?.status ?? null,
      last_error: null,
      created_at: d.createdAt,
      updated_at: d.createdAt,
      completed_at: null,
    })
    .execute();
  let n = 0;
  for (const a of d.attempts) {
    n += 1;
    await db
      .insertInto('attempts')
      .values({
        id: newId('att', a.at),
        team_id: d.teamId,
        delivery_id: id,
        webhook_id: d.webhookId,
        attempt_no: n,
        at: a.at,
        request_url: 'http://127.0.0.1:9/hook',
        request_headers: '{}',
        request_body: '{}',
        response_status: a.status ?? (a.outcome === 'ok' ? 200 : 500),
        response_headers: '{}',
        response_body: '',
        duration_ms: a.durationMs,
        error: null,
        outcome: a.outcome,
      })
      .execute();
  }
  return id;
}
