import { newId } from '../../ids.js';
import type { DeliveryTable } from '../../store/schema.js';

/** A new pending delivery row with `fields`, created at `now`, with its own message id (its webhook-id). */
export function deliveryRow(
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

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * The id of part `index` of a split delivery whose first id is `base`: the last five characters count the part,
 * so an ordered webhook (which sends a line in event, then id, order) gets an event's parts in order.
 */
export function partDeliveryId(base: string, index: number): string {
  let tail = '';
  let n = index;
  for (let i = 0; i < 5; i++) {
    tail = ALPHABET[n % 32]! + tail;
    n = Math.floor(n / 32);
  }
  return base.slice(0, -5) + tail;
}
