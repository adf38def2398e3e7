import type { Kysely, Transaction } from 'kysely';
import { newId } from '../ids.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { EventType } from './catalog.js';
import type { Actor, ProjectRef, StoredEvent, TeamRef } from './event.js';
import type { EventDataByType } from './payloads.js';

/** What a domain change hands to the outbox; written in the change's own transaction. */
export interface NewEvent<T extends EventType = EventType> {
  type: T;
  team: TeamRef;
  project: ProjectRef | null;
  actor: Actor | null;
  data: EventDataByType[T];
  /** Preset id, when the event was shown to someone (a blocking gate) before it was stored. */
  id?: string;
}

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/**
 * Appends an event to the outbox. Call it with the transaction that makes the change, so the change and
 * its event commit or roll back together (the transactional outbox of DESIGN §1).
 */
export async function appendEvent<T extends EventType>(trx: Db, input: NewEvent<T>, now: number): Promise<StoredEvent> {
  // The stored envelope has no seq: the database assigns it, and eventFromRow adds it back.
  const { seq: _unassigned, ...envelope } = draftEvent(input, now);
  const id = envelope.id;
  const row = await trx
    .insertInto('events')
    .values({
      id,
      team_id: input.team.id,
      project_id: input.project?.id ?? null,
      type: input.type,
      actor: input.actor ? JSON.stringify(input.actor) : null,
      data: JSON.stringify(envelope),
      created_at: now,
      dispatched_at: null,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return { ...envelope, seq: Number(row.seq) };
}

/** An event envelope built before it is stored (for the label gate), with the id appendEvent will keep. */
export function draftEvent<T extends EventType>(input: NewEvent<T>, now: number): StoredEvent {
  const id = input.id ?? newId('evt', now);
  return {
    id,
    seq: 0,
    type: input.type,
    timestamp: new Date(now).toISOString(),
    team: input.team,
    project: input.project,
    actor: input.actor,
    data: input.data as unknown as Record<string, unknown>,
  };
}

/** Rebuilds a StoredEvent from its outbox row. */
export function eventFromRow(row: { seq: number; data: string }): StoredEvent {
  const parsed = JSON.parse(row.data) as Omit<StoredEvent, 'seq'>;
  return { ...parsed, seq: Number(row.seq) };
}
