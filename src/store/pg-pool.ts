import { PostgresDialect, type CompiledQuery, type DatabaseIntrospector, type Kysely, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import pg from 'pg';
import { isConnectionLoss, storeErrorFor } from './driver-errors.js';
import { OwnSchemaIntrospector } from './pg-own-schema-introspector.js';
import { statementName } from './statement-names.js';

/** How the PostgreSQL pool connects. */
export interface PostgresPoolOptions {
  /** Schema to put first on every connection's search_path. */
  schema?: string;
  /** Most connections open at once. */
  poolSize: number;
}

/**
 * Kysely's dialect over a pg.Pool: clients that survive a connection the server ended while it sat idle in the pool
 * (retryingPool), driver errors turned into labelhook's (storeErrorFor), so no layer above reads SQLSTATEs, and
 * introspection (the migrator's) that sees our own schema only (OwnSchemaIntrospector).
 */
export function postgresDialect(url: string, options: PostgresPoolOptions): PostgresDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  // An idle client losing its server (restart, pg_terminate_backend) must not crash the process.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: its 'error' event has no pool listener then, and an unhandled one kills the
  // process. The query in flight fails and the pool discards the broken client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new OwnSchemaPostgresDialect({
    pool: retryingPool(pool, options.poolSize),
    onCreateConnection: async (connection) => {
      const execute = connection.executeQuery.bind(connection);
      connection.executeQuery = async <R>(query: CompiledQuery) => {
        try {
          return await execute<R>(query);
        } catch (err) {
          throw storeErrorFor(err) ?? err;
        }
      };
    },
  });
}

/** PostgresDialect whose introspector reads the current schema only. */
class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

/**
 * The pool as Kysely sees it. A client the server ended while it sat idle (a restart, pg_terminate_backend, a
 * proxy's idle timeout) still looks healthy when the pool hands it out: the goodbye waits unread in its socket, so
 * the checkout's first statement fails. Such a first statement runs again on another client when running it cannot
 * have changed anything (safeToRetry). The pool gives out idle clients first, and after a restart all of them are
 * dead: the retry moves on while each failing client had sat idle (every one is destroyed, so this ends within the
 * pool's size), and stops at a client the pool just connected, whose failure is the database's answer.
 * Once a statement of the checkout has succeeded, a lost connection takes its transaction's state with it: that
 * failure propagates, as a 503 `database_unavailable` (storeErrorFor).
 */
function retryingPool(pool: pg.Pool, poolSize: number): PostgresPool {
  // One Checkout per pg client, so Kysely (which keeps a connection object per client object) makes one per client.
  const checkouts = new WeakMap<pg.PoolClient, Checkout>();
  const take = async (): Promise<{ client: pg.PoolClient; idle: boolean }> => {
    const client = await pool.connect();
    return { client, idle: checkouts.has(client) };
  };
  return {
    async connect() {
      let taken: { client: pg.PoolClient; idle: boolean };
      try {
        taken = await take();
      } catch (err) {
        // Kysely calls connect outside executeQuery: a refused connection is mapped here.
        throw storeErrorFor(err) ?? err;
      }
      let checkout = checkouts.get(taken.client);
      if (!checkout) {
        checkout = new Checkout(taken.client, { take, poolSize, checkouts });
        checkouts.set(taken.client, checkout);
      }
      checkout.start(taken.idle);
      return checkout;
    },
    end: () => pool.end(),
  };
}

interface CheckoutDeps {
  take(): Promise<{ client: pg.PoolClient; idle: boolean }>;
  poolSize: number;
  checkouts: WeakMap<pg.PoolClient, Checkout>;
}

/** One pg client as Kysely uses it (`query(sql, parameters)`, `release()`), with the first statement's retry. */
class Checkout implements PostgresPoolClient {
  #client: pg.PoolClient;
  /** No statement of this checkout has gone out yet: the one flag the hot path checks. */
  #first = true;
  /** The checkout's client had served an earlier checkout and sat idle in the pool since. */
  #idle = false;
  /** The retry gave #client back to the pool already (and found no other): Kysely's release has nothing left to do. */
  #released = false;
  /** The first statement lost #client's connection and was not retried: released with it, so the pool destroys it. */
  #lost: Error | undefined;
  readonly #deps: CheckoutDeps;

  constructor(client: pg.PoolClient, deps: CheckoutDeps) {
    this.#client = client;
    this.#deps = deps;
  }

  /** The pool handed this client out for a new checkout. */
  start(idle: boolean): void {
    this.#first = true;
    this.#idle = idle;
    this.#lost = undefined;
  }

  query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sql: string | PostgresCursor<R>, parameters?: readonly unknown[]): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (!this.#first) return runOn<R>(this.#client, sql as string, parameters as unknown[]);
    // Cleared before the first result: Kysely sends a checkout's statements one at a time, so a statement after
    // this one follows its retry and goes to the client the retry took.
    this.#first = false;
    // A cursor (Kysely's streaming, which labelhook does not configure) goes straight to the client, not retried.
    if (typeof sql !== 'string') return this.#client.query(sql as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    return this.#firstQuery<R>(sql, parameters as unknown[]);
  }

  async #firstQuery<R>(sql: string, parameters: unknown[]): Promise<PostgresQueryResult<R>> {
    for (let retries = 0; ; retries++) {
      try {
        return await runOn<R>(this.#client, sql, parameters);
      } catch (err) {
        if (!isConnectionLoss(err)) throw err;
        // The pool may not have read the socket's end yet, and would keep the client on a plain release.
        this.#lost = err as Error;
        if (!safeToRetry(sql) || (retries > 0 && !this.#idle) || retries >= this.#deps.poolSize) throw err;
        await this.#replaceClient(err as Error);
      }
    }
  }

  /** Gives the dead client back so the pool destroys it, and takes another for the rest of the checkout. */
  async #replaceClient(err: Error): Promise<void> {
    const { checkouts, take } = this.#deps;
    checkouts.delete(this.#client);
    this.#client.release(err);
    this.#released = true;
    const next = await take();
    this.#client = next.client;
    this.#idle = next.idle;
    this.#released = false;
    this.#lost = undefined;
    // This object now stands for the new client; the one Kysely had for it (if any) is idle and goes unused.
    checkouts.set(next.client, this);
  }

  release(): void {
    if (!this.#released) this.#client.release(this.#lost);
  }
}

/** Runs a statement on `client`, as a named (prepared once per connection) statement when its text has a name. */
function runOn<R>(client: pg.PoolClient, text: string, values: unknown[]): Promise<PostgresQueryResult<R>> {
  const name = statementName(text);
  const result = name === undefined ? client.query(text, values) : client.query({ name, text, values });
  return result as unknown as Promise<PostgresQueryResult<R>>;
}

/** `begin` or `start transaction …` alone: it opens a transaction and changes nothing. */
const BEGIN = /^\s*(?:begin|start\s+transaction)\b[\w\s]*$/i;
const READ = /^\s*(?:select|with)\b/i;
/**
 * Words a select needs to change data that outlives its session: a write (also in a data-modifying `with` or a
 * `select … into`), a sequence step (not rolled back) or a notification. Everything else a select can do (locks,
 * settings) ends with the session the lost connection ended. labelhook defines no SQL functions of its own, so a
 * function that writes cannot hide behind another name; a read that merely mentions one of these words is not
 * retried, which only costs that read a 503.
 */
const MAY_WRITE = /\b(?:insert|update|delete|merge|truncate|into|nextval|setval|notify|pg_notify)\b/i;

/**
 * True when running `sql` again on another connection cannot change what it did: a `begin`, or one plain read.
 * The failed attempt may have reached the server (a crash mid-statement looks the same as a stale socket), so
 * nothing that writes is retried, and a text holding several statements (a `;`) is never retried.
 */
export function safeToRetry(sql: string): boolean {
  if (sql.includes(';')) return false;
  return BEGIN.test(sql) || (READ.test(sql) && !MAY_WRITE.test(sql));
}
