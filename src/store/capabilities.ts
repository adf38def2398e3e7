import type { DialectName } from './dialect.js';

/**
 * What the open database can do that the other cannot, for the statements in src/store that differ by database.
 * Code outside src/store passes these on and never asks which database it is.
 */
export interface StoreCapabilities {
  /**
   * Row locks held until commit (`FOR UPDATE`, `SKIP LOCKED`), LATERAL joins and transaction advisory locks: what
   * several concurrent writers need to share a queue (PostgreSQL). Without them (SQLite) there is one writer at a
   * time, so a transaction alone makes a select-then-update atomic.
   */
  rowLocks: boolean;
  /**
   * Several workers share the delivery queue, so each claim counts a webhook's concurrency across all of them
   * (src/store/queue/claim-shares.ts), and so does the dispatcher's adoption, which hands new deliveries to its own
   * worker without a claim (PostgreSQL). Without it (SQLite) one worker's slots are the limit.
   */
  globalConcurrency: boolean;
  /** Processes can wake each other (PostgreSQL LISTEN/NOTIFY; src/process/engine-host.ts acts on it). */
  crossProcessNotify: boolean;
  /** One file with one writer: a delivering process must hold the file's worker lock (SQLite on disk). */
  singleWriterFile: boolean;
  /**
   * Connections come from a pool every caller shares (PostgreSQL): a loop on the delivery path keeps one of its
   * own, so it never queues behind a burst of API transactions. SQLite has one connection, shared by design.
   */
  pooledConnections: boolean;
  /**
   * Each statement is a round trip to a server (PostgreSQL), so two writes to the same rows are folded into one
   * even where one of them mostly sets a column to its own value. SQLite runs a statement as a function call but
   * rewrites every index on a column named in an UPDATE's SET, changed or not, so there the writes stay apart.
   */
  statementsAreRoundTrips: boolean;
}

/** The capabilities of a dialect; `sqliteFile` is the SQLite path (`:memory:` has no file to lock). */
export function capabilitiesOf(dialect: DialectName, sqliteFile: string | null = null): StoreCapabilities {
  const postgres = dialect === 'postgres';
  return {
    rowLocks: postgres,
    globalConcurrency: postgres,
    crossProcessNotify: postgres,
    singleWriterFile: !postgres && sqliteFile !== null && sqliteFile !== ':memory:',
    pooledConnections: postgres,
    statementsAreRoundTrips: postgres,
  };
}
