/** A listener woken after a transaction that wrote events has committed. */
export type CommitListener = () => void;

/**
 * In-process pub/sub of "events were committed": the dispatcher and every open event stream subscribe, and
 * `ctx.eventsCommitted` notifies. Listeners only learn *that* something committed, never what; they re-read the
 * events table, so a missed or coalesced notification costs latency, never an event (polling covers other processes).
 */
export interface CommitSignal {
  /** Wakes every listener soon (in the loop's check phase), once however often it is called before; never throws. */
  notify(): void;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: CommitListener): () => void;
  /** How many listeners are subscribed (tests use it to prove subscriptions are released). */
  listenerCount(): number;
}

/**
 * A new, empty commit signal. Notifications coalesce until the event loop's check phase (setImmediate): every
 * request answered in one turn of the loop wakes the listeners once, so the dispatcher fans out their events in
 * one pass instead of one pass (one transaction) per event, at no cost in latency.
 */
export function createCommitSignal(): CommitSignal {
  const listeners = new Set<CommitListener>();
  let pending = false;
  const wakeAll = (): void => {
    pending = false;
    // Copy first: a listener may unsubscribe itself while being called.
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch {
        // A failing listener must not stop the others; listeners handle their own errors.
      }
    }
  };
  return {
    notify() {
      if (pending) return;
      pending = true;
      setImmediate(wakeAll);
    },
    subscribe(listener) {
      // Wrap so subscribing the same function twice gives two independent subscriptions.
      const entry: CommitListener = () => listener();
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    listenerCount: () => listeners.size,
  };
}
