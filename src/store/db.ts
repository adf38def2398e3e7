import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Kysely, Migrator, sql, type Compilable, type CompiledQuery, type QueryResult, type Transaction, type TransactionBuilder } from 'kysely';
import pg from 'pg';
import { capabilitiesOf, type StoreCapabilities } from './capabilities.js';
import type { DialectName } from './dialect.js';
import { migrationsFor } from './migrations/index.js';
import { postgresDialect } from './pg-pool.js';
import { nameStatement } from './statement-names.js';
import type { DatabaseSchema } from './schema.js';
import { createPrivateFile, makePrivate } from './file-modes.js';
import { groupCommitSqliteDialect } from './sqlite-group-commit.js';
import { threadWriteLock } from './sqlite-thread-lock.js';

// int8 (bigint, bigserial, count(*)) comes back from pg as a string; every such value here is an epoch
// millisecond or a counter that fits in a double, so parse it once, globally.
pg.types.setTypeParser(20, (v) => Number(v));

/** An open database: the one Kysely instance every layer queries through, and its dialect. */
export interface Store {
  db: Kysely<DatabaseSchema>;
  /**
   * A transaction for bulk work that yields to the event loop between slices: on SQLite it runs in a commit group
   * of its own, so other requests' transactions never wait for its slices to commit (docs/operations.md).
   */
  bulkTransaction(): TransactionBuilder<DatabaseSchema>;
  dialect: DialectName;
  /** What this database can do that the other cannot; passed to the statements in src/store that differ by database. */
  capabilities: StoreCapabilities;
  /** The SQLite file path, when on SQLite. */
  sqlitePath: string | null;
  /** SQLite file: the turns at its write lock, for another thread's openStore of the same file (src/store/sqlite-thread-lock.ts). */
  threadWriteLock: SharedArrayBuffer | null;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL only: schema to use (created when missing); tests use one per run. */
  schema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** SQLite: another thread's `store.threadWriteLock`, so the two connections take turns at writing. */
  threadWriteLock?: SharedArrayBuffer;
}

/** Most prepared statements kept per SQLite database (`in (?, ?, ...)` lists of many lengths make many texts). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew, and preparing was 12% of the delivery worker's CPU in the bench; keep recent
 * statements (least recently used out). Safe because every statement runs to completion synchronously
 * (`all`/`run`); iterating one would share it, and nothing here streams.
 */
function statementCache(sqlite: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (text) => {
    let stmt = cache.get(text);
    if (stmt) {
      cache.delete(text); // re-inserted below: the Map's order is the recency order
    } else {
      stmt = sqlite.prepare(text);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(text, stmt);
    return stmt;
  };
}

/** How often the checkpointer thread copies committed WAL frames into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;

/**
 * WAL pages the main connection lets pile up before it checkpoints by itself: only a fallback for when the
 * checkpointer thread is gone or cannot keep up (about 40 MB of WAL).
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

// The checkpointer thread's code (plain CommonJS, so it runs the same from TypeScript sources and compiled JavaScript).
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or I/O error: the next tick retries */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } finally { process.exit(0); }
});
`;

/**
 * Moves SQLite's WAL checkpoints off the event loop. With the default autocheckpoint the commit that crosses 1,000
 * WAL pages copies them into the database file and fsyncs it on the main thread: 2/3 of all commit time on the API's
 * write path, in stalls of up to 25 ms. A worker thread with its own connection runs a PASSIVE checkpoint (never
 * blocks readers or writers) every CHECKPOINT_INTERVAL_MS instead; the main connection keeps a high autocheckpoint
 * as a fallback (and again the default should the thread fail).
 */
function startCheckpointer(file: string, sqlite: Database.Database): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER_SOURCE, { eval: true, workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  let exited = false;
  const exit = new Promise<void>((done) =>
    worker.once('exit', () => {
      exited = true;
      done();
    }),
  );
  worker.on('error', () => {
    // The thread is gone: the main connection checkpoints by itself again, as without it.
    if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  });
  return {
    stop: async () => {
      if (exited) return;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * Splits rows for multi-row inserts into parts of power-of-two sizes (300 → 256, 32, 8, 4), so that a preparedQuery
 * insert is compiled for a few row counts instead of every one.
 */
export function powerOfTwoParts<T>(rows: readonly T[]): T[][] {
  const parts: T[][] = [];
  let at = 0;
  while (at < rows.length) {
    const size = 2 ** Math.floor(Math.log2(rows.length - at));
    parts.push(rows.slice(at, at + size));
    at += size;
  }
  return parts;
}

/** Opens `sqlite:PATH` or `postgres://...`. Does not migrate. */
export function openStore(url: string, options: OpenStoreOptions = {}): Store {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    // The file holds every team's documents, labels and delivery bodies: created 0600, whatever the umask.
    const created = file !== ':memory:' && createPrivateFile(file);
    const sqlite = new Database(file);
    // WAL + NORMAL survives a process crash (kill -9) with every committed transaction; busy_timeout
    // lets a second process (e.g. `labelhook migrate`) wait instead of failing.
    sqlite.pragma('journal_mode = WAL');
    // SQLite gives the WAL and shared-memory files the database file's mode; made sure of for a new database.
    if (created) makePrivate([`${file}-wal`, `${file}-shm`]);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // A connection opened with another thread's write lock (serve's engine thread) leaves checkpoints to that
    // thread's checkpointer: one per file is enough, and a second only competes with it for the same pages.
    const sharesFile = options.threadWriteLock !== undefined;
    if (sharesFile) sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    const checkpointer = file === ':memory:' || sharesFile ? null : startCheckpointer(file, sqlite);
    // Reads while a transaction holds the connection (src/store/sqlite-group-commit.ts); an in-memory database is
    // private to its connection, so it has none.
    const readerDb = file === ':memory:' ? null : new Database(file, { readonly: true });
    readerDb?.pragma('busy_timeout = 5000');
    const reader = readerDb ? { sqlite: readerDb, prepare: statementCache(readerDb) } : null;
    // Transactions commit in groups (src/store/sqlite-group-commit.ts): one COMMIT per turn of the event loop.
    const turns = file === ':memory:' ? null : threadWriteLock(options.threadWriteLock);
    const db = new Kysely<DatabaseSchema>({ dialect: groupCommitSqliteDialect(sqlite, statementCache(sqlite), reader, turns) });
    return {
      db,
      // SQLite's isolation is serializable anyway; asking for it marks the transaction as bulk work (its own group).
      bulkTransaction: () => db.transaction().setIsolationLevel('serializable'),
      dialect: 'sqlite',
      capabilities: capabilitiesOf('sqlite', file),
      sqlitePath: file,
      threadWriteLock: turns?.buffer ?? null,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  }
  const db = new Kysely<DatabaseSchema>({ dialect: postgresDialect(url, { poolSize: options.poolSize ?? 10, ...(options.schema ? { schema: options.schema } : {}) }) });
  return {
    db,
    bulkTransaction: () => db.transaction(),
    dialect: 'postgres',
    capabilities: capabilitiesOf('postgres'),
    sqlitePath: null,
    threadWriteLock: null,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

const PARAM_MARK = '\u0000labelhook-param:';
const SEP = '\u0000';

/** Stands, in a preparedQuery's `build`, for the values given at run time. */
export interface QueryParam<P> {
  /** One value; only where a plain value goes (no identifiers). */
  <K extends keyof P & string>(name: K): P[K];
  /**
   * A list for `in (...)` or `not in (...)`, padded to the next power of two by repeating its last element (the
   * same answer): compiled once per such length, so a few compiled forms serve every list.
   */
  list<K extends keyof P & string>(name: K): P[K];
  /** The rows of a multi-row insert (every row with the first row's columns): compiled once per row count. */
  rows<K extends keyof P & string>(name: K): P[K];
}

type Slot = { kind: 'const'; value: unknown } | { kind: 'value'; name: string } | { kind: 'item'; name: string; index: number } | { kind: 'cell'; name: string; index: number; column: string };

/** Compiled forms of one query kept per database: one per combination of list lengths, least recently used out. */
const MAX_SHAPES = 128;

function slotOf(v: unknown): Slot {
  if (typeof v !== 'string' || !v.startsWith(PARAM_MARK)) return { kind: 'const', value: v };
  const [name = '', index, column] = v.slice(PARAM_MARK.length).split(SEP);
  if (index === undefined) return { kind: 'value', name };
  if (column === undefined) return { kind: 'item', name, index: Number(index) };
  return { kind: 'cell', name, index: Number(index), column };
}

/** The padded length a list of `n` is compiled for: 0, 1, 2, 4, 8, … */
function listBucket(n: number): number {
  return n <= 1 ? n : 2 ** Math.ceil(Math.log2(n));
}

function valueOf(slot: Slot, params: Record<string, unknown>): unknown {
  switch (slot.kind) {
    case 'const':
      return slot.value;
    case 'value':
      return params[slot.name];
    case 'item': {
      const list = params[slot.name] as readonly unknown[];
      return list[Math.min(slot.index, list.length - 1)];
    }
    case 'cell':
      return (params[slot.name] as readonly Record<string, unknown>[])[slot.index]![slot.column];
  }
}

/**
 * A query built and compiled once per database (and per list length), then run with new parameter values: for the
 * hottest statements (the API's and the delivery worker's), where Kysely's building and compiling cost more than
 * SQLite's executing. `build` receives `param` to stand for the values given at run time (`param(name)`,
 * `param.list(name)`, `param.rows(name)`); it must ask for the same lists on every call (it may branch on a list's
 * length), and every other value in the query is a constant. Answers the result rows.
 */
export function preparedQuery<P extends Record<string, unknown>, R>(
  build: (db: Kysely<DatabaseSchema>, param: QueryParam<P>) => Compilable<R>,
): (db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>, params: P) => Promise<R[]> {
  return preparedStatement(build, (result) => result.rows);
}

/** A preparedQuery for a write (no RETURNING): answers how many rows it changed. */
export function preparedWrite<P extends Record<string, unknown>>(
  build: (db: Kysely<DatabaseSchema>, param: QueryParam<P>) => Compilable<unknown>,
): (db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>, params: P) => Promise<number> {
  return preparedStatement(build, (result) => Number(result.numAffectedRows ?? 0n));
}

/** What preparedQuery and preparedWrite share: compile once per shape, run with the values given, answer `answer(result)`. */
function preparedStatement<P extends Record<string, unknown>, R, A>(
  build: (db: Kysely<DatabaseSchema>, param: QueryParam<P>) => Compilable<R>,
  answer: (result: QueryResult<R>) => A,
): (db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>, params: P) => Promise<A> {
  type Entry = { compiled: CompiledQuery<R>; slots: Slot[] };
  // Keyed by the dialect adapter (one per Kysely root, shared by its transactions): SQLite and PostgreSQL compile
  // differently. getExecutor is marked internal in Kysely's typings, but it is the only handle a transaction shares.
  // `lists` names the list and rows parameters (known after the first build): their lengths pick the compiled form.
  const compiledFor = new WeakMap<object, { lists: { name: string; padded: boolean }[] | null; byShape: Map<string, Entry> }>();
  const shapeOf = (lists: { name: string; padded: boolean }[], params: P): string =>
    lists.map((l) => (l.padded ? listBucket : Number)((params[l.name] as readonly unknown[]).length)).join(',');
  return async (db, params) => {
    const adapter = db.getExecutor().adapter;
    let forDb = compiledFor.get(adapter);
    if (!forDb) {
      forDb = { lists: null, byShape: new Map() };
      compiledFor.set(adapter, forDb);
    }
    let shape = forDb.lists === null ? null : shapeOf(forDb.lists, params);
    let entry = shape === null ? undefined : forDb.byShape.get(shape);
    if (entry) {
      forDb.byShape.delete(shape!); // re-inserted below: the Map's order is the recency order
    } else {
      const lists: { name: string; padded: boolean }[] = [];
      const param = ((name: string) => `${PARAM_MARK}${name}`) as QueryParam<P>;
      param.list = (name) => {
        lists.push({ name, padded: true });
        const length = listBucket((params[name] as readonly unknown[]).length);
        return Array.from({ length }, (_, i) => `${PARAM_MARK}${name}${SEP}${i}`) as P[typeof name];
      };
      param.rows = (name) => {
        lists.push({ name, padded: false });
        const rows = params[name] as readonly Record<string, unknown>[];
        const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
        return rows.map((_, i) => Object.fromEntries(columns.map((c) => [c, `${PARAM_MARK}${name}${SEP}${i}${SEP}${c}`]))) as P[typeof name];
      };
      const compiled = build(db, param).compile();
      nameStatement(compiled.sql);
      entry = { compiled, slots: compiled.parameters.map(slotOf) };
      forDb.lists ??= lists;
      shape = shapeOf(forDb.lists, params);
      if (forDb.byShape.size >= MAX_SHAPES) forDb.byShape.delete(forDb.byShape.keys().next().value!);
    }
    forDb.byShape.set(shape!, entry);
    const parameters = entry.slots.map((s) => valueOf(s, params));
    return answer(await db.executeQuery<R>({ ...entry.compiled, parameters }));
  };
}

/** Applies pending migrations under the migrator's lock (an advisory lock on PostgreSQL). */
export async function migrate(store: Store): Promise<string[]> {
  // Name the schema on PostgreSQL, so the migrator creates its tables in ours. Its introspection sees our schema
  // only (src/store/pg-own-schema-introspector.ts): other tenants' or tests' DDL cannot fail our migration.
  const schema =
    store.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]?.s : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrationsFor(store.dialect) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Creates a PostgreSQL schema if missing (used by tests and `--schema`). */
export async function ensurePostgresSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schema.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}
