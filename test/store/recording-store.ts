import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import { capabilitiesOf, type StoreCapabilities } from '../../src/store/capabilities.js';
import type { DialectName } from '../../src/store/dialect.js';
import type { DatabaseSchema } from '../../src/store/schema.js';

/** One statement as the database would receive it; `begin`/`commit`/`rollback` mark transaction boundaries. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** Rows a recorded statement answers with (none unless given). */
export type Answer = (sql: string) => Record<string, unknown>[];

/** A store whose statements are compiled by the real dialect's compiler and recorded instead of run. */
export interface RecordingStore {
  db: Kysely<DatabaseSchema>;
  capabilities: StoreCapabilities;
  statements: Statement[];
}

/** Compiles with the dialect labelhook opens (SqliteQueryCompiler, PostgresQueryCompiler); records each statement. */
export function recordingStore(dialect: DialectName, answer: Answer = () => []): RecordingStore {
  const statements: Statement[] = [];
  const mark = (sql: string): void => void statements.push({ sql, parameters: [] });
  const connection: DatabaseConnection = {
    executeQuery: async <R>(q: CompiledQuery): Promise<QueryResult<R>> => {
      statements.push({ sql: q.sql, parameters: q.parameters });
      const rows = answer(q.sql) as R[];
      return { rows, numAffectedRows: BigInt(rows.length) };
    },
    // eslint-disable-next-line require-yield -- the interface needs a generator; nothing here streams
    streamQuery: async function* () {
      throw new Error('not recorded');
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => mark('begin'),
    commitTransaction: async () => mark('commit'),
    rollbackTransaction: async () => mark('rollback'),
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const kyselyDialect: Dialect =
    dialect === 'postgres'
      ? {
          createAdapter: () => new PostgresAdapter(),
          createDriver: () => driver,
          createIntrospector: (db) => new PostgresIntrospector(db),
          createQueryCompiler: () => new PostgresQueryCompiler(),
        }
      : {
          createAdapter: () => new SqliteAdapter(),
          createDriver: () => driver,
          createIntrospector: (db) => new SqliteIntrospector(db),
          createQueryCompiler: () => new SqliteQueryCompiler(),
        };
  return { db: new Kysely<DatabaseSchema>({ dialect: kyselyDialect }), capabilities: capabilitiesOf(dialect), statements };
}
