import type Database from 'better-sqlite3';
import { noteWrite, readRows } from './sqlite-raw-rows.js';
import type { ThreadWriteLock } from './sqlite-thread-lock.js';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** Most transactions committed together; past it the group commits before the next one starts. */
const MAX_GROUP_MEMBERS = 256;

/** Oldest a group may get before the next transaction commits it instead of joining (a guard; groups last one loop turn). */
const MAX_GROUP_AGE_MS = 5;

const MEMBER = 'labelhook_member';

/** A transaction was lost with the others of its group: SQLite rolled back the transaction they shared. */
export class GroupRolledBackError extends Error {
  readonly code = 'sqlite_group_rolled_back';
  constructor() {
    super('SQLite rolled back the transaction this one was committed with; nothing of it was stored.');
    this.name = 'GroupRolledBackError';
  }
}

interface Group {
  /** A bulk transaction's own group: nobody joins it, and it commits as soon as its transaction does. */
  solo: boolean;
  openedAt: number;
  members: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** One acquisition of the single connection: Kysely hands it back to releaseConnection. */
interface Lease extends DatabaseConnection {
  /** Holds the connection: taken lazily, by a transaction or by a statement that cannot go to the reader. */
  holding: boolean;
  inTransaction: boolean;
  released: boolean;
}

/**
 * A Kysely dialect for one better-sqlite3 connection that commits concurrent transactions together (group commit).
 *
 * SQLite runs one transaction at a time on the connection anyway; what each one pays on its own is the COMMIT (WAL
 * frames for every page it touched, the events table's and its indexes' pages again and again), 60% of the SQL time
 * of `PATCH /projects/{id}`. Here a transaction runs inside one shared `BEGIN` as a SAVEPOINT: its commit releases the
 * savepoint, hands the connection to the next transaction waiting, and resolves when the group's real COMMIT has
 * succeeded, which happens once nobody waits for the connection (in the loop's check phase, so every transaction
 * queued in one turn joins), or at once when a plain statement outside a transaction wants the connection, or when
 * the group is full.
 *
 * What callers see is unchanged: `transaction().execute()` resolves only once its changes are durable; a transaction
 * that fails rolls back to its savepoint and leaves the others alone; a failing COMMIT fails every transaction of the
 * group (none of them was committed). Transactions in a group see the changes of the ones before them, as they would
 * have one after another. Nothing outside a transaction ever reads uncommitted data: a plain statement commits the
 * open group first. The cost: a transaction waits for the rest of its loop turn's transactions before it is answered.
 *
 * Bulk work (a 100,000-document import) asks for a `serializable` transaction (SQLite's only isolation anyway): it
 * runs alone in a group of its own, committed as soon as it is, so it may yield to the event loop between slices
 * without holding other transactions' commits. While a bulk transaction holds the connection, a read-only statement
 * outside a transaction runs on `reader`, a second connection that sees only committed data (WAL readers never wait
 * for the writer), so reads (authentication, GET requests) keep answering; writes wait for the connection.
 */
export function groupCommitSqliteDialect(
  sqlite: Database.Database,
  prepare: (sql: string) => Database.Statement,
  reader: { sqlite: Database.Database; prepare: (sql: string) => Database.Statement } | null = null,
  threadLock: ThreadWriteLock | null = null,
): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new GroupCommitDriver(sqlite, prepare, reader, threadLock),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

class GroupCommitDriver implements Driver {
  readonly #sqlite: Database.Database;
  readonly #prepare: (sql: string) => Database.Statement;
  readonly #reader: { sqlite: Database.Database; prepare: (sql: string) => Database.Statement } | null;
  // Another thread of this process writes the file too: take turns (src/store/sqlite-thread-lock.ts).
  readonly #threadLock: ThreadWriteLock | null;
  // FIFO of acquisitions waiting for the connection (Kysely's own mutex wakes every waiter on each release).
  readonly #waiting: (() => void)[] = [];
  #held = false;
  #group: Group | null = null;
  #commitScheduled = false;

  constructor(
    sqlite: Database.Database,
    prepare: (sql: string) => Database.Statement,
    reader: { sqlite: Database.Database; prepare: (sql: string) => Database.Statement } | null,
    threadLock: ThreadWriteLock | null,
  ) {
    this.#sqlite = sqlite;
    this.#prepare = prepare;
    this.#reader = reader;
    this.#threadLock = threadLock;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const lease: Lease = {
      holding: false,
      inTransaction: false,
      released: false,
      executeQuery: async <R>(query: CompiledQuery) => {
        if (!lease.holding) {
          // A bulk transaction holds the connection between its slices: a read runs on the reader, at the last
          // commit, instead of waiting for the whole import. Behind an ordinary transaction (done within its loop
          // turn) a read waits: the reader's page cache is dropped by every commit, so reading there costs more
          // than the wait (~40 µs per delivery in the delivery bench, docs/performance.md).
          if (this.#held && this.#group?.solo && this.#reader && this.#prepare(query.sql).readonly) return this.#runOn(this.#reader.prepare, query);
          await this.#hold(lease);
        }
        // A statement outside a transaction must neither read nor join what the group has not committed yet.
        if (!lease.inTransaction && this.#group) this.#commitGroup();
        if (!lease.inTransaction && this.#threadLock && !this.#prepare(query.sql).readonly) return this.#runInTurn<R>(query);
        return this.#runOn<R>(this.#prepare, query);
      },
      // eslint-disable-next-line require-yield -- the interface needs a generator; nothing here streams
      streamQuery: async function* () {
        throw new Error('Streaming is not supported on this SQLite connection.');
      },
    };
    return lease;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const lease = connection as Lease;
    if (!lease.holding) await this.#hold(lease);
    const solo = settings.isolationLevel === 'serializable';
    const open = this.#group;
    if (open && (solo || open.solo || open.members >= MAX_GROUP_MEMBERS || performance.now() - open.openedAt >= MAX_GROUP_AGE_MS)) this.#commitGroup();
    if (!this.#group) {
      await this.#threadLock?.acquire();
      // IMMEDIATE: the write lock up front, waiting out another process's writer (busy_timeout); a DEFERRED group that
      // read first could fail on its first write when another process committed in between (SQLITE_BUSY_SNAPSHOT).
      try {
        this.#prepare('begin immediate').run();
      } catch (err) {
        this.#threadLock?.release();
        throw err;
      }
      this.#group = newGroup(solo);
    }
    this.#prepare(`savepoint ${MEMBER}`).run();
    lease.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.#prepare(`release ${MEMBER}`).run();
    lease.inTransaction = false;
    const group = this.#group!;
    group.members++;
    if (group.solo) this.#commitSolo();
    // Give the connection back now, so the next transaction waiting can join this group; Kysely's own release
    // afterwards is then a no-op.
    this.#release(lease);
    await group.done;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // Not in a transaction any more: its group's COMMIT failed after its savepoint was released; nothing to undo.
    if (!lease.inTransaction) return;
    lease.inTransaction = false;
    if (this.#sqlite.inTransaction) {
      try {
        this.#prepare(`rollback to ${MEMBER}`).run();
        this.#prepare(`release ${MEMBER}`).run();
        return;
      } catch (err) {
        // Its changes could not be undone alone: undo the whole group rather than commit them with the others.
        this.#abortGroup(err);
        return;
      }
    }
    // SQLite rolled the whole transaction back by itself (SQLITE_FULL, SQLITE_IOERR, ...): the transactions of the
    // group that released their savepoints were lost with it.
    this.#abortGroup(new GroupRolledBackError());
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.holding) this.#release(lease);
  }

  async destroy(): Promise<void> {
    if (this.#group) this.#commitGroup();
    this.#sqlite.close();
    this.#reader?.sqlite.close();
  }

  async #hold(lease: Lease): Promise<void> {
    if (this.#held) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#held = true;
    lease.holding = true;
  }

  /**
   * Commits a bulk transaction's group with the automatic checkpoint off: its many WAL pages would otherwise be
   * copied into the database file (and fsynced) right here on the event loop; the checkpointer thread does it.
   */
  #commitSolo(): void {
    const pages = this.#sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
    this.#sqlite.pragma('wal_autocheckpoint = 0');
    try {
      this.#commitGroup();
    } finally {
      if (this.#sqlite.open) this.#sqlite.pragma(`wal_autocheckpoint = ${pages}`);
    }
  }

  #release(lease: Lease): void {
    if (lease.released) return;
    lease.released = true;
    const next = this.#waiting.shift();
    if (next) {
      next(); // the connection stays held, by the next acquisition
      return;
    }
    this.#held = false;
    if (this.#group && !this.#commitScheduled) {
      this.#commitScheduled = true;
      setImmediate(() => {
        this.#commitScheduled = false;
        // Still held: that holder either joins the group or, with a plain statement, commits it; its release
        // schedules this again.
        if (!this.#held && this.#group) this.#commitGroup();
      });
    }
  }

  /** A plain write outside any transaction, in this thread's turn at the write lock. */
  async #runInTurn<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    await this.#threadLock!.acquire();
    try {
      return await this.#runOn<R>(this.#prepare, query);
    } finally {
      this.#threadLock!.release();
    }
  }

  #commitGroup(): void {
    const group = this.#group!;
    try {
      this.#prepare('commit').run();
      this.#group = null;
      this.#threadLock?.release();
      group.resolve();
    } catch (err) {
      this.#abortGroup(err);
    }
  }

  /** Rolls the open group back (when SQLite has not already) and fails every transaction that joined it. */
  #abortGroup(reason: unknown): void {
    const group = this.#group;
    this.#group = null;
    try {
      if (this.#sqlite.inTransaction) this.#prepare('rollback').run();
    } catch {
      // Nothing more to undo here; a connection that cannot roll back fails its next statement too.
    }
    if (group) this.#threadLock?.release();
    group?.reject(reason);
  }

  #runOn<R>(prepare: (sql: string) => Database.Statement, query: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = prepare(query.sql);
    if (stmt.reader) return Promise.resolve({ rows: readRows(stmt, query.parameters) as R[] });
    noteWrite(query.sql);
    const { changes, lastInsertRowid } = stmt.run(query.parameters as unknown[]);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }
}

function newGroup(solo: boolean): Group {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Members await `done`; a group whose every member rolled back has no one listening when its COMMIT fails.
  done.catch(() => undefined);
  return { solo, openedAt: performance.now(), members: 0, done, resolve, reject };
}
