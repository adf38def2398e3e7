import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.js';

/** One pooled connection kept by a loop between its transactions. */
export interface HeldConnection {
  /** The held connection (taken from the pool the first time, and again after `release`). */
  db(): Promise<Kysely<DatabaseSchema>>;
  /** Gives the connection back to the pool (which drops it if it broke); the next `db()` takes another. */
  release(): void;
}

/**
 * Keeps one connection of `root`'s pool for a loop's transactions: a loop on the delivery path takes no turn in the
 * pool's queue, which a burst of API requests fills (the fan-out pass waited there longest in the latency bench).
 */
export function holdConnection(root: Kysely<DatabaseSchema>): HeldConnection {
  let held: Promise<{ db: Kysely<DatabaseSchema>; release: () => void }> | null = null;
  return {
    db() {
      held ??= new Promise((resolve, reject) => {
        // The callback's promise is the lease: the connection is back in the pool when it settles.
        root
          .connection()
          .execute((db) => new Promise<void>((release) => resolve({ db, release: () => release() })))
          .catch((err: unknown) => {
            held = null;
            reject(err);
          });
      });
      return held.then((h) => h.db);
    },
    release() {
      const h = held;
      held = null;
      void h?.then((x) => x.release(), () => undefined);
    },
  };
}
