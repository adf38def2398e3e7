import type { Kysely, Transaction, TransactionBuilder } from 'kysely';
import { newId } from '../ids.js';
import { preparedQuery, type Store } from '../store/db.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { EventType } from './catalog.js';
import type { CommitSignal } from './commit-signal.js';
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
  /** `data` as JSON text, when the caller built it in slices (bulk events of many MB); must be JSON.stringify(data). */
  dataJson?: string;
}

/** The stored JSON of an envelope whose `data` (its last key) is already JSON text. */
function envelopeJson(envelope: Omit<StoredEvent, 'seq'>, dataJson: string): string {
  const { data: _data, ...head } = envelope;
  return `${JSON.stringify(head).slice(0, -1)},"data":${dataJson}}`;
}

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

// The open outbox transactions, and whether an event was appended in each (read after COMMIT).
const appended = new WeakMap<Db, { events: boolean }>();

/** A transaction builder whose commit announces the events appended in it. */
export interface OutboxTransaction {
  execute<T>(work: (trx: Transaction<DatabaseSchema>) => Promise<T>): Promise<T>;
}

/**
 * The transaction every change that may append events runs in (`builder`: the store's plain one by default, or a
 * bulk one). After COMMIT, and only when `appendEvent` ran in it, it emits `eventsCommitted` on the commit signal,
 * so nobody calls a wake-up by hand; a rollback announces nothing. Events appended in any other transaction (another
 * process, a test writing rows directly) are found by polling.
 */
export function outboxTransaction(ctx: { store: Store; commitSignal: CommitSignal }, builder?: TransactionBuilder<DatabaseSchema>): OutboxTransaction {
  const tx = builder ?? ctx.store.db.transaction();
  return {
    async execute(work) {
      const state = { events: false };
      const result = await tx.execute((trx) => {
        appended.set(trx, state);
        return work(trx);
      });
      if (state.events) ctx.commitSignal.emit('eventsCommitted');
      return result;
    },
  };
}

// Every change appends one event: compiled once (src/store/db.ts), not rebuilt per call.
const insertEvent = preparedQuery<
  { id: string; teamId: string; projectId: string | null; type: string; actor: string | null; data: string; createdAt: number },
  { seq: number | string }
>((db, param) =>
  db
    .insertInto('events')
    .values({
      id: param('id'),
      team_id: param('teamId'),
      project_id: param('projectId'),
      type: param('type'),
      actor: param('actor'),
      data: param('data'),
      created_at: param('createdAt'),
      dispatched_at: null,
    })
    .returning('seq'),
);

/**
 * Appends an event to the outbox. Call it with the transaction that makes the change, so the change and
 * its event commit or roll back together (the transactional outbox of docs/architecture.md); opened with
 * `outboxTransaction`, its commit wakes this process's dispatcher and event streams at once.
 */
export async function appendEvent<T extends EventType>(trx: Db, input: NewEvent<T>, now: number): Promise<StoredEvent> {
  const outbox = appended.get(trx);
  if (outbox) outbox.events = true;
  // The stored envelope has no seq: the database assigns it, and eventFromRow adds it back.
  const { seq: _unassigned, ...envelope } = draftEvent(input, now);
  const id = envelope.id;
  const row = (
    await insertEvent(trx, {
      id,
      teamId: input.team.id,
      projectId: input.project?.id ?? null,
      type: input.type,
      actor: input.actor ? JSON.stringify(input.actor) : null,
      data: input.dataJson === undefined ? JSON.stringify(envelope) : envelopeJson(envelope, input.dataJson),
      createdAt: now,
    })
  )[0]!;
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
