import type { Transaction } from 'kysely';
import { CHUNK_SIZE } from '../../domain/chunked.js';
import { insertDeliveries } from '../../store/queue/fan-out.js';
import type { DatabaseSchema, DeliveryTable } from '../../store/schema.js';
import type { DeliveryAdopter } from './dispatcher.js';

// A fan-out pass inserts its deliveries in chunks as it creates them, inside the pass's transaction: the parts of
// a 100,000-document import are never all in memory at once (only those the local worker adopts are kept).

// Rendered payload held before a flush: a few parts of the largest allowed size.
const FLUSH_BYTES = 16 * 1024 * 1024;

/** Where a pass puts its new deliveries. */
export interface DeliverySink {
  /** Buffers a row; true when the buffer is full and the caller should `flush()` before adding more. */
  add(row: DeliveryTable): boolean;
  /** Inserts what is buffered; call once more at the end of the pass. */
  flush(): Promise<void>;
  /** Rows inserted so far. */
  count(): number;
  /** Rows inserted already leased to the adopter (hand them to it after commit). */
  adopted: DeliveryTable[];
}

/**
 * What the adopter may take of each listed webhook as the queue's other workers stand (a webhook left out gets
 * none); given only where several workers share the queue (store.capabilities.globalConcurrency).
 */
export type AdoptionShares = (webhookIds: readonly string[]) => Promise<Map<string, number>>;

/**
 * A sink inserting into `trx`; rows of webhooks `adoptable` says yes to are offered to the adopter first (within
 * `shares`, when given). It asks for a flush at CHUNK_SIZE rows or `flushBytes` of payload (a large event's pass
 * asks for less: each insert is one step).
 */
export function deliverySink(
  trx: Transaction<DatabaseSchema>,
  now: number,
  adopter: DeliveryAdopter | undefined,
  adoptable: (webhookId: string) => boolean,
  flushBytes = FLUSH_BYTES,
  shares?: AdoptionShares,
): DeliverySink {
  let rows: DeliveryTable[] = [];
  let bytes = 0;
  let inserted = 0;
  const room = new Map<string, number>();
  const adopted: DeliveryTable[] = [];

  /** Leases to the adopter, in place, the new single deliveries it has room for. */
  async function adopt(batch: DeliveryTable[]): Promise<void> {
    if (!adopter) return;
    const candidates = batch.filter((row) => row.status === 'pending' && row.batch_open === 0 && adoptable(row.webhook_id));
    const fresh = [...new Set(candidates.map((row) => row.webhook_id))].filter((id) => !room.has(id));
    const share = shares && fresh.length > 0 ? await shares(fresh) : null;
    for (const id of fresh) room.set(id, Math.min(adopter.room(id), share ? share.get(id) ?? 0 : Infinity));
    const leaseEnd = now + adopter.leaseMs;
    for (const row of candidates) {
      const left = room.get(row.webhook_id)!;
      if (left <= 0) continue;
      room.set(row.webhook_id, left - 1);
      row.status = 'delivering';
      row.lease_owner = adopter.owner;
      row.lease_expires_at = leaseEnd;
      row.next_attempt_at = leaseEnd;
      adopted.push(row);
    }
  }

  const sink: DeliverySink = {
    adopted,
    count: () => inserted,
    add(row) {
      rows.push(row);
      bytes += row.payload.length;
      return rows.length >= CHUNK_SIZE || bytes >= flushBytes;
    },
    async flush() {
      if (rows.length === 0) return;
      const batch = rows;
      rows = [];
      bytes = 0;
      await adopt(batch);
      await insertDeliveries(trx, batch);
      inserted += batch.length;
    },
  };
  return sink;
}
