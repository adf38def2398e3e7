import type { Store } from '../store/db.js';
import type { EventType } from './catalog.js';
import type { CommitSignal } from './commit-signal.js';
import type { StoredEvent } from './event.js';
import { eventFromRow } from './outbox.js';

/** Which of a team's events a stream carries. */
export interface EventStreamFilter {
  teamId: string;
  /** Only these types; null for all. */
  types: EventType[] | null;
  /** Only events of this project; null for all. */
  projectId: string | null;
}

export interface EventStreamOptions {
  store: Store;
  filter: EventStreamFilter;
  /** Start after this event seq (the last one the client saw). */
  afterSeq: number;
  /** Ends the stream: the generator returns promptly and releases its subscription and timers. */
  signal: AbortSignal;
  /** Wakes the stream as soon as events commit in this process; without it, polling alone finds them. */
  commitSignal?: CommitSignal;
  /** Fallback polling interval; also what finds events committed by other processes (default 200 ms). */
  pollIntervalMs?: number;
  /**
   * How long a hole in the seq line may stay open before it is taken for a rolled-back transaction (default 5 s).
   * On PostgreSQL a transaction can commit seq 7 before another commits seq 6; streaming 7 at once and moving the
   * cursor past 6 would lose 6 for good, so the stream holds back behind a young gap.
   */
  gapGraceMs?: number;
  /** Rows read per query (default 500). */
  batchSize?: number;
  clock?: () => number;
}

/** The seq of the newest stored event (0 when there is none): where a stream without a resume point starts. */
export async function latestEventSeq(store: Store): Promise<number> {
  const row = await store.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
}

/**
 * The team's events after `afterSeq`, in seq order: first those already stored, then each new one as it commits.
 * Runs until `signal` aborts (or the consumer stops iterating); never holds more than one batch in memory.
 */
export async function* streamEvents(options: EventStreamOptions): AsyncGenerator<StoredEvent, void, undefined> {
  const { store, filter, signal } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const batchSize = options.batchSize ?? 500;
  const gapGraceMs = options.gapGraceMs ?? 5000;
  const clock = options.clock ?? Date.now;
  const waker = createWaker(signal, options.commitSignal);
  let cursor = options.afterSeq;
  try {
    while (!signal.aborted) {
      const batch = await readBatch(store, filter, cursor, batchSize, gapGraceMs, clock());
      cursor = batch.horizon;
      for (const event of batch.events) {
        if (signal.aborted) return;
        yield event;
      }
      // A full batch means a backlog: read on without waiting.
      if (!batch.more) await waker.wait(pollIntervalMs);
    }
  } finally {
    waker.release();
  }
}

interface Batch {
  events: StoredEvent[];
  /** The highest seq now known to be final: the next read starts after it. */
  horizon: number;
  more: boolean;
}

async function readBatch(store: Store, filter: EventStreamFilter, cursor: number, batchSize: number, gapGraceMs: number, now: number): Promise<Batch> {
  // The seq line of all teams (seq and time only) decides how far it is safe to go; see gapGraceMs.
  const line = await store.db
    .selectFrom('events')
    .select(['seq', 'created_at'])
    .where('seq', '>', cursor)
    .orderBy('seq')
    .limit(batchSize)
    .execute();
  let horizon = cursor;
  for (const row of line) {
    const seq = Number(row.seq);
    if (seq !== horizon + 1 && Number(row.created_at) > now - gapGraceMs) break;
    horizon = seq;
  }
  if (horizon === cursor) return { events: [], horizon, more: false };
  let query = store.db
    .selectFrom('events')
    .select(['seq', 'data'])
    .where('team_id', '=', filter.teamId)
    .where('seq', '>', cursor)
    .where('seq', '<=', horizon);
  if (filter.types) query = query.where('type', 'in', filter.types);
  if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
  const rows = await query.orderBy('seq').execute();
  const last = line[line.length - 1];
  return { events: rows.map(eventFromRow), horizon, more: line.length === batchSize && last !== undefined && Number(last.seq) === horizon };
}

interface Waker {
  /** Resolves on the next commit notification, after `ms`, or on abort, whichever comes first. */
  wait(ms: number): Promise<void>;
  release(): void;
}

function createWaker(signal: AbortSignal, commitSignal: CommitSignal | undefined): Waker {
  // A commit notified while the stream was reading must not be lost: remember it and skip the next wait.
  let notified = false;
  let wake: (() => void) | null = null;
  const onWake = () => {
    notified = true;
    wake?.();
  };
  const unsubscribe = commitSignal?.on('eventsCommitted', onWake);
  signal.addEventListener('abort', onWake);
  return {
    wait(ms) {
      if (notified || signal.aborted) {
        notified = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake = null;
          notified = false;
          resolve();
        }
        wake = done;
      });
    },
    release() {
      wake?.();
      unsubscribe?.();
      signal.removeEventListener('abort', onWake);
    },
  };
}
