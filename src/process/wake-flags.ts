import type { CommitEvent } from '../events/commit-signal.js';

/**
 * Whether the engine thread has a wake-up of each kind still unread, in memory both threads share. The API thread
 * posts a wake-up only when none is pending: while the engine is busy (a fan-out pass, a burst of sends) every
 * commit after the first would otherwise queue one more message (~40 µs of the API thread's CPU each, and as much
 * to read). The engine lowers the flag before it acts on a message, so a commit after that posts again; one before
 * it committed before the pass the message starts, which therefore sees it.
 */
export interface WakeFlags {
  /** The shared words, to hand to the other thread. */
  readonly buffer: SharedArrayBuffer;
  /** Marks `event` pending; true when it was not, and the caller must post the wake-up. */
  raise(event: CommitEvent): boolean;
  /** Marks `event` read (the engine, as it takes the message). */
  lower(event: CommitEvent): void;
}

const SLOT: Record<CommitEvent, number> = { eventsCommitted: 0, deliveriesDue: 1 };

/** The flags over `buffer` (two Int32 words), or over a new buffer. */
export function wakeFlags(buffer: SharedArrayBuffer = new SharedArrayBuffer(8)): WakeFlags {
  const words = new Int32Array(buffer);
  return {
    buffer,
    raise: (event) => Atomics.exchange(words, SLOT[event], 1) === 0,
    lower: (event) => void Atomics.store(words, SLOT[event], 0),
  };
}
