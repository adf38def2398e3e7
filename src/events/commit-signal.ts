/** A listener woken after a transaction that wrote events has committed. */
export type CommitListener = () => void;

/**
 * In-process pub/sub of "events were committed": the dispatcher and every open event stream subscribe, and
 * `ctx.eventsCommitted` notifies. Listeners only learn *that* something committed, never what; they re-read the
 * events table, so a missed or coalesced notification costs latency, never an event (polling covers other processes).
 */
export interface CommitSignal {
  /** Wakes every listener; safe to call any number of times. */
  notify(): void;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: CommitListener): () => void;
  /** How many listeners are subscribed (tests use it to prove subscriptions are released). */
  listenerCount(): number;
}

/** A new, empty commit signal. */
export function createCommitSignal(): CommitSignal {
  const listeners = new Set<CommitListener>();
  return {
    notify() {
      // Copy first: a listener may unsubscribe itself while being called.
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch {
          // A failing listener must not stop the others nor the committing request; listeners handle their own errors.
        }
      }
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
